using System.Collections.Concurrent;
using LanSpread.Core.Model;

namespace LanSpread.Peer.Download;

/// <summary>The running state of one download: what is fetched, from whom, and how far it got.</summary>
internal sealed class DownloadJob(string game, string root, long totalBytes, CancellationTokenSource cancellation)
{
    public string Game { get; } = game;

    public string Root { get; } = root;

    public long TotalBytes { get; } = totalBytes;

    public CancellationTokenSource Cancellation { get; } = cancellation;

    public ConcurrentDictionary<PeerId, long> BytesByPeer { get; } = new();

    public long BytesDone;

    public string? CancelReason { get; set; }
}
