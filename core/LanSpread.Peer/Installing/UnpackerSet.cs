using System.Collections.Concurrent;
using LanSpread.Core.Composition;
using LanSpread.Core.Unpacking;
using LanSpread.Peer.Composition;

namespace LanSpread.Peer.Installing;

/// <summary>
/// Every Active unpacker side by side behind one <see cref="IUnpacker"/>: each game root's archive goes to
/// the unpacker that claims it, so a third-party zip unpacker and the RAR one both work whatever their
/// priorities. The claim: among the unpackers that find archives in the root, one whose
/// <see cref="IArchiveSignature"/> matches the first archive wins; then one that found archives by name
/// alone (no signature capability), highest priority first. One whose signature does not match is never chosen.
/// </summary>
public sealed class UnpackerSet : IUnpacker
{
    private const int MaxSignatureLength = 64;
    private readonly IReadOnlyList<IUnpacker> _unpackers;
    private readonly ConcurrentDictionary<string, IUnpacker> _claims = new(StringComparer.Ordinal);

    /// <summary>Creates the set.</summary>
    /// <param name="unpackers">The unpackers, highest priority first.</param>
    public UnpackerSet(IReadOnlyList<IUnpacker> unpackers)
    {
        ArgumentNullException.ThrowIfNull(unpackers);
        _unpackers = unpackers;
    }

    /// <summary>The names of the unpackers, highest priority first (<c>rar/zip</c>).</summary>
    public string Name => string.Join('/', _unpackers.Select(u => u.Name));

    /// <summary>
    /// The unpacker the hosts use: every Active unpacker of the catalog (one alone is used directly); none
    /// throws <see cref="PluginSelectionException"/> saying why each was not usable.
    /// </summary>
    /// <param name="catalog">The plugin catalog.</param>
    public static IUnpacker From(PluginCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var active = catalog.Active<IUnpacker>(PluginKind.Unpacker).ToList();
        return active.Count switch
        {
            0 => catalog.Select<IUnpacker>(PluginKind.Unpacker, null), // throws with the reasons
            1 => active[0],
            _ => new UnpackerSet(active),
        };
    }

    /// <summary>The unpacker that claims the archives of <paramref name="gameRoot"/>, with them; null when none does.</summary>
    /// <param name="gameRoot">The game root directory.</param>
    public (IUnpacker Unpacker, IReadOnlyList<string> Archives)? Claim(string gameRoot)
    {
        ArgumentNullException.ThrowIfNull(gameRoot);
        (IUnpacker, IReadOnlyList<string>)? byName = null;
        foreach (var unpacker in _unpackers)
        {
            var archives = unpacker.FindArchives(gameRoot);
            if (archives.Count == 0)
            {
                continue;
            }

            if (unpacker is IArchiveSignature signature)
            {
                if (signature.Claims(ReadHead(archives[0], signature.SignatureLength)))
                {
                    return (unpacker, archives);
                }
            }
            else
            {
                byName ??= (unpacker, archives);
            }
        }

        return byName;
    }

    /// <inheritdoc />
    public IReadOnlyList<string> FindArchives(string gameRoot)
    {
        if (Claim(gameRoot) is not { } claim)
        {
            return [];
        }

        _claims[Path.GetFullPath(claim.Archives[0])] = claim.Unpacker;
        return claim.Archives;
    }

    /// <inheritdoc />
    public Task UnpackAsync(UnpackRequest request, IProgress<UnpackProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var first = Path.GetFullPath(request.Archives[0]);
        // Normally FindArchives has just claimed it; otherwise claim again from the archive's folder.
        var unpacker = _claims.TryRemove(first, out var claimed)
            ? claimed
            : Claim(Path.GetDirectoryName(first)!) is { } claim && claim.Archives.Any(a => Path.GetFullPath(a) == first)
                ? claim.Unpacker
                : throw new UnpackException(first, $"no unpacker claims it ({Name})");
        return unpacker.UnpackAsync(request, progress, cancellationToken);
    }

    private static byte[] ReadHead(string path, int length)
    {
        var buffer = new byte[Math.Clamp(length, 0, MaxSignatureLength)];
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
            var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            return buffer[..read];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // An unreadable archive fails later, in the unpack, with its own clear error.
            return [];
        }
    }
}
