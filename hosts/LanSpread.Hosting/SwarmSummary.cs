using LanSpread.Core.Events;

namespace LanSpread.Hosting;

/// <summary>Who serves a download, in the same words in both hosts (swarming: complete and partial peers).</summary>
public static class SwarmSummary
{
    /// <summary>"3 peers, 2 partial: seed 40.0 MiB, c2 12.0 MiB" (the top three servers so far), or null before any peer is known.</summary>
    public static string? Describe(DownloadProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        if (progress.Peers <= 0)
        {
            return null;
        }

        var text = $"{progress.Peers} peer{(progress.Peers == 1 ? string.Empty : "s")}" + (progress.PartialPeers > 0 ? $", {progress.PartialPeers} partial" : string.Empty);
        var top = (progress.BytesByPeer ?? []).Take(3).Select(p => $"{p.Peer} {ByteSize.Format(p.Bytes)}").ToList();
        return top.Count == 0 ? text : $"{text}: {string.Join(", ", top)}";
    }
}
