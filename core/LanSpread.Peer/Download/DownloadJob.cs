using System.Collections.Concurrent;
using LanSpread.Core.Model;

namespace LanSpread.Peer.Download;

/// <summary>The running state of one download: what is fetched, from whom, what each chunk must hash to, and how far it got.</summary>
internal sealed class DownloadJob(string game, string root, long totalBytes, CancellationTokenSource cancellation)
{
    public string Game { get; } = game;

    public string Root { get; } = root;

    /// <summary>Bytes of the whole version (without the sentinel); progress starts at what is already here.</summary>
    public long TotalBytes { get; } = totalBytes;

    public CancellationTokenSource Cancellation { get; } = cancellation;

    public ConcurrentDictionary<PeerId, long> BytesByPeer { get; } = new();

    /// <summary>Each serving peer's mean rate (bytes over the time it had requests in flight).</summary>
    public ConcurrentDictionary<PeerId, double> RateByPeer { get; } = new();

    /// <summary>(path, offset) → SHA-256 of every staged chunk; filled before the workers start, then only read.</summary>
    public Dictionary<(string Path, long Offset), string> Expected { get; } = [];

    /// <summary>Staged chunks copied (and verified) from this root's own files.</summary>
    public HashSet<(string Path, long Offset)> Copied { get; } = [];

    /// <summary>Peers that sent bad data: never used again in this download.</summary>
    public ConcurrentDictionary<PeerId, (string Name, string Reason)> Banned { get; } = new();

    public ProgressRecord? Record { get; set; }

    /// <summary>The verified chunks so far, served to other peers while this download runs (swarming).</summary>
    public Swarm.ChunkAvailability? Availability { get; set; }

    /// <summary>The staged files and their verified chunks, when a streaming install reads behind this download.</summary>
    public StagedDownload? Staged { get; set; }

    /// <summary>Completed when the download has ended and released its files.</summary>
    public TaskCompletionSource Finished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public long BytesDone;

    public string? CancelReason { get; set; }
}
