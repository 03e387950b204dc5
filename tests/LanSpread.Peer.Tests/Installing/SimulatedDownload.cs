using LanSpread.Core.Model;
using LanSpread.Core.Planning;
using LanSpread.Peer.Download;
using LanSpread.Peer.FileSystem;

namespace LanSpread.Peer.Tests.Installing;

/// <summary>
/// The download side of a streaming install without peers: the source files are staged at full size under
/// <c>.lanspread.partial/</c> (zeros), then their chunks are written and marked verified as the test says,
/// through the same <see cref="StagedDownload"/> the pipeline uses; <see cref="Commit"/> renames them
/// into place and writes the sentinel, as the pipeline's commit does.
/// </summary>
internal sealed class SimulatedDownload
{
    private readonly Dictionary<string, string> _sources = new(StringComparer.Ordinal);

    public SimulatedDownload(string root, IReadOnlyDictionary<string, string> files, int chunkSize)
    {
        Root = root;
        var staging = Path.Combine(root, GameRootLayout.PartialDirectory);
        Directory.CreateDirectory(staging);
        var manifest = new List<ManifestFile>();
        foreach (var (name, source) in files)
        {
            _sources[name] = source;
            var size = new FileInfo(source).Length;
            using (var staged = File.Create(Path.Combine(staging, name)))
            {
                staged.SetLength(size);
            }

            var chunks = new List<ManifestChunk>();
            for (long offset = 0; offset < size; offset += chunkSize)
            {
                chunks.Add(new ManifestChunk(offset, Math.Min(chunkSize, size - offset), string.Empty));
                Chunks.Add(new FileChunk(name, offset, Math.Min(chunkSize, size - offset)));
            }

            manifest.Add(new ManifestFile(name, size, chunks));
        }

        Staged = new StagedDownload(root, manifest, Chunks);
    }

    public string Root { get; }

    public StagedDownload Staged { get; }

    /// <summary>Every chunk of every staged file, in file order.</summary>
    public List<FileChunk> Chunks { get; } = [];

    public TaskCompletionSource<bool> Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Writes a chunk's true bytes and marks it verified.</summary>
    public void Deliver(FileChunk chunk)
    {
        Write(chunk, corrupt: false);
        Staged.MarkVerified(chunk.RelativePath, chunk.Offset);
    }

    /// <summary>Writes a chunk's bytes flipped, without marking it (what a rejected chunk leaves on disk).</summary>
    public void DeliverCorrupt(FileChunk chunk) => Write(chunk, corrupt: true);

    /// <summary>Renames the staged files into place and writes the sentinel: the download's commit.</summary>
    public void Commit()
    {
        Staged.MoveIntoPlace(() =>
        {
            foreach (var name in _sources.Keys)
            {
                File.Move(Path.Combine(Root, GameRootLayout.PartialDirectory, name), Path.Combine(Root, name), overwrite: true);
            }
        });
        Directory.Delete(Path.Combine(Root, GameRootLayout.PartialDirectory), recursive: true);
        File.WriteAllText(Path.Combine(Root, GameRootLayout.VersionFile), "2\n");
        Committed.TrySetResult(true);
    }

    private void Write(FileChunk chunk, bool corrupt)
    {
        var bytes = new byte[chunk.Length];
        using (var source = File.OpenHandle(_sources[chunk.RelativePath]))
        {
            RandomAccess.Read(source, bytes, chunk.Offset);
        }

        if (corrupt)
        {
            for (var i = 0; i < bytes.Length; i++)
            {
                bytes[i] ^= 0x5a;
            }
        }

        using var target = File.OpenHandle(Path.Combine(Root, GameRootLayout.PartialDirectory, chunk.RelativePath), FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        RandomAccess.Write(target, bytes, chunk.Offset);
    }
}
