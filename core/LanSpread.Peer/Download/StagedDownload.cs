using LanSpread.Core.Model;
using LanSpread.Core.Planning;
using LanSpread.Peer.FileSystem;

namespace LanSpread.Peer.Download;

/// <summary>
/// The files a running download stages under <c>.lanspread.partial/</c>, with which chunks of each are
/// verified: what a streaming install reads behind the download. The pipeline marks chunks as they pass
/// their SHA-256 check and renames the files into place through <see cref="MoveIntoPlace"/>; a reader opens
/// a file through <see cref="Open"/> (a <see cref="VerifiedRangeStream"/>, or the renamed whole file
/// after the commit).
/// </summary>
internal sealed class StagedDownload
{
    private readonly Dictionary<string, VerifiedRanges> _files = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private bool _moved;
    private volatile Tuple<string, long>? _hint; // (file, chunk offset) the reader is in; a reference, so it is swapped whole
    private (string Path, long Offset)? _lastHint;

    public StagedDownload(string root, IEnumerable<ManifestFile> staged, IEnumerable<FileChunk> unverified)
    {
        Root = root;
        StagingDirectory = Path.Combine(root, GameRootLayout.PartialDirectory);
        var missing = unverified.GroupBy(c => c.RelativePath, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(c => c.Offset).ToHashSet(), StringComparer.Ordinal);
        foreach (var file in staged)
        {
            var pending = missing.GetValueOrDefault(file.RelativePath) ?? [];
            var path = file.RelativePath;
            _files[path] = new VerifiedRanges(file, file.Chunks.Select(c => c.Offset).Where(o => !pending.Contains(o)), offset => _hint = Tuple.Create(path, offset));
        }
    }

    public string Root { get; }

    public string StagingDirectory { get; }

    /// <summary>
    /// The chunk a reader (the streaming install) is now in, when it changed since the last call (the
    /// scheduler turns it into the planner's streaming window); null otherwise.
    /// </summary>
    public (string Path, long Offset)? TakeReadHint()
    {
        if (_hint is not { } hint)
        {
            return null;
        }

        var current = (hint.Item1, hint.Item2);
        if (_lastHint == current)
        {
            return null;
        }

        _lastHint = current;
        return current;
    }

    /// <summary>Called for every chunk that passed its SHA-256 check.</summary>
    public void MarkVerified(string relativePath, long offset)
    {
        if (_files.TryGetValue(relativePath, out var ranges))
        {
            ranges.MarkVerified(offset);
        }
    }

    /// <summary>Runs the commit's renames so that no reader opens a staged path half-way through them.</summary>
    public void MoveIntoPlace(Action rename)
    {
        ArgumentNullException.ThrowIfNull(rename);
        lock (_gate)
        {
            rename();
            _moved = true;
        }
    }

    /// <summary>Ends every waiting read: the download stopped before its files were whole.</summary>
    public void Stop(string reason)
    {
        var error = new IOException(reason);
        foreach (var ranges in _files.Values)
        {
            ranges.Stop(error);
        }
    }

    /// <summary>
    /// Opens a staged file for reading verified bytes; <paramref name="path"/> is its path under the staging
    /// directory; after the commit the renamed, whole file is opened instead. Any other path throws
    /// <see cref="FileNotFoundException"/>.
    /// </summary>
    public Stream Open(string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = Path.GetFullPath(path);
        var relative = Path.GetRelativePath(StagingDirectory, full).Replace(Path.DirectorySeparatorChar, '/');
        lock (_gate)
        {
            if (!relative.StartsWith("..", StringComparison.Ordinal) && _files.TryGetValue(relative, out var ranges))
            {
                if (_moved)
                {
                    // Renamed into place at the commit: whole and verified.
                    return new FileStream(Path.Combine(Root, relative), FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
                }

                var handle = File.OpenHandle(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                return new VerifiedRangeStream(handle, ranges, cancellationToken);
            }
        }

        throw new FileNotFoundException($"'{path}' is not a file of this download", path);
    }
}
