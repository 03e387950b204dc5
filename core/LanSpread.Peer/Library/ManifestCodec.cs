using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using LanSpread.Core.Model;
using LanSpread.Peer.FileSystem;

namespace LanSpread.Peer.Library;

/// <summary>
/// The manifest's digest (SHA-256 of a canonical text encoding: a header line, the version, then per
/// file in ordinal path order <c>file\tPATH\tSIZE</c> and per chunk <c>OFFSET\tLENGTH\tSHA256</c>) and
/// the validation of a manifest received from a peer, before anything is written.
/// </summary>
public static class ManifestCodec
{
    /// <summary>More chunks than this is refused (64 Ti at 16 MiB chunks; far beyond any game).</summary>
    public const int MaxChunks = 4 * 1024 * 1024;

    /// <summary>More files than this is refused.</summary>
    public const int MaxFiles = 1024 * 1024;

    /// <summary>A file larger than this is refused (4 TiB).</summary>
    public const long MaxFileSize = 4L << 40;

    public static GameManifest Create(string version, IEnumerable<ManifestFile> files)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(files);
        var sorted = files.OrderBy(f => f.RelativePath, StringComparer.Ordinal).ToList();
        return new GameManifest(version, sorted, Digest(version, sorted));
    }

    public static string Digest(string version, IReadOnlyList<ManifestFile> files)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(files);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var line = new StringBuilder();
        void Emit()
        {
            sha.AppendData(Encoding.UTF8.GetBytes(line.Append('\n').ToString()));
            line.Clear();
        }

        line.Append("lanspread-manifest/1");
        Emit();
        line.Append("version\t").Append(version);
        Emit();
        foreach (var file in files)
        {
            line.Append("file\t").Append(file.RelativePath).Append('\t').Append(file.Size.ToString(CultureInfo.InvariantCulture));
            Emit();
            foreach (var chunk in file.Chunks)
            {
                line.Append(chunk.Offset.ToString(CultureInfo.InvariantCulture)).Append('\t')
                    .Append(chunk.Length.ToString(CultureInfo.InvariantCulture)).Append('\t').Append(chunk.Sha256);
                Emit();
            }
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>
    /// Checks a manifest from a peer: sane counts, paths that stay inside <paramref name="root"/> and
    /// are not LanSpread's own, no duplicates, chunks that cover each file exactly (no gaps, overlaps,
    /// negative or oversize lengths), well-formed hashes, and a digest that matches the content.
    /// Returns null when it is valid, else the reason a user can read.
    /// </summary>
    public static string? Validate(GameManifest? manifest, string expectedVersion, string root)
    {
        if (manifest is null)
        {
            return "the peer sent no content manifest";
        }

        if (manifest.Files is null || manifest.Version is null || manifest.Digest is null)
        {
            return "the manifest is incomplete";
        }

        if (manifest.Version != expectedVersion)
        {
            return $"the manifest is of version '{manifest.Version}', the peer offers '{expectedVersion}'";
        }

        if (manifest.Files.Count > MaxFiles)
        {
            return $"the manifest lists {manifest.Files.Count} files (at most {MaxFiles})";
        }

        var chunkCount = 0L;
        string? previous = null;
        foreach (var file in manifest.Files)
        {
            if (file?.RelativePath is null || file.Chunks is null)
            {
                return "the manifest has an incomplete file entry";
            }

            if (previous is not null && string.CompareOrdinal(previous, file.RelativePath) >= 0)
            {
                return $"the manifest's files are not sorted and unique ('{file.RelativePath}' after '{previous}')";
            }

            previous = file.RelativePath;
            var top = file.RelativePath.Split('/')[0];
            if (GameRootLayout.IsReservedTopLevel(top) || !GamePathResolver.TryResolve(root, file.RelativePath, out _, out var problem))
            {
                return $"the manifest's path '{file.RelativePath}' is refused: it would leave the game root or is reserved";
            }

            if (file.Size < 0 || file.Size > MaxFileSize)
            {
                return $"'{file.RelativePath}' has an absurd size {file.Size}";
            }

            chunkCount += file.Chunks.Count;
            if (chunkCount > MaxChunks)
            {
                return $"the manifest has more than {MaxChunks} chunks";
            }

            var expected = 0L;
            foreach (var chunk in file.Chunks)
            {
                if (chunk is null || chunk.Offset != expected)
                {
                    return $"'{file.RelativePath}': chunk at {chunk?.Offset} overlaps or leaves a gap (expected {expected})";
                }

                if (chunk.Length <= 0 || chunk.Length > ContentChunking.HardMaxChunk)
                {
                    return $"'{file.RelativePath}': chunk at {chunk.Offset} has an absurd length {chunk.Length} (1..{ContentChunking.HardMaxChunk})";
                }

                if (chunk.Sha256 is not { Length: 64 } || !chunk.Sha256.All(char.IsAsciiHexDigitLower))
                {
                    return $"'{file.RelativePath}': chunk at {chunk.Offset} has a malformed SHA-256";
                }

                expected += chunk.Length;
            }

            if (expected != file.Size)
            {
                return $"'{file.RelativePath}': chunks add up to {expected} bytes, the file has {file.Size}";
            }
        }

        var digest = Digest(manifest.Version, manifest.Files);
        return digest == manifest.Digest ? null : $"the manifest's digest {Abbreviate(manifest.Digest)} does not match its content ({Abbreviate(digest)})";
    }

    public static string Abbreviate(string? digest) => digest is null ? "(none)" : digest[..Math.Min(12, digest.Length)];
}
