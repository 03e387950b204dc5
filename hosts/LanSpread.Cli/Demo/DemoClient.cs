using System.Diagnostics;
using LanSpread.Cli.Output;
using LanSpread.Core.Events;
using LanSpread.Core.Model;
using LanSpread.Peer.Hosting;

namespace LanSpread.Cli.Demo;

/// <summary>One client peer of the demo: its host, and what its download did (read from its own event bus).</summary>
internal sealed class DemoClient(int number, PeerHost host, string games)
{
    public int Number { get; } = number;

    /// <summary>The peer's name, also the <c>client</c> field of its JSONL events.</summary>
    public string Name => Host.Runtime.Name;

    public PeerHost Host { get; } = host;

    /// <summary>The client's game directory.</summary>
    public string Games { get; } = games;

    /// <summary>The exit code its download and install came to.</summary>
    public int Outcome { get; private set; } = ExitCodes.Timeout;

    /// <summary>Bytes the download transfers (from <see cref="DownloadGameFilesBegin"/>).</summary>
    public long TotalBytes { get; private set; }

    /// <summary>Bytes each peer served it, the latest figure (final once the download finished).</summary>
    public IReadOnlyList<PeerBytes> BytesByPeer { get; private set; } = [];

    /// <summary>From the common start to its install's end.</summary>
    public TimeSpan? Finished { get; private set; }

    /// <summary>Its installed files and archive matched the source (set by the verification).</summary>
    public bool Verified { get; set; }

    /// <summary>Bytes that came from <paramref name="seeder"/>.</summary>
    public long FromSeeder(PeerId seeder) => BytesByPeer.Where(p => p.PeerId == seeder).Sum(p => p.Bytes);

    /// <summary>Bytes that came from the other clients (partial peers while they downloaded, complete ones after).</summary>
    public long FromClients(PeerId seeder) => BytesByPeer.Where(p => p.PeerId != seeder).Sum(p => p.Bytes);

    /// <summary>
    /// Reads the client's events until its install finishes or something fails, handing each to
    /// <paramref name="show"/>. The download itself is asked for by the caller, for every client at once.
    /// </summary>
    public async Task RunAsync(Action<DemoClient, PeerEvent> show, Stopwatch clock, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var peerEvent in Host.Runtime.Events.ReadAllAsync(cancellationToken))
            {
                Observe(peerEvent, clock);
                show(this, peerEvent);
                if (Outcome != ExitCodes.Timeout)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The deadline or Ctrl+C: the outcome stays Timeout.
        }
    }

    private void Observe(PeerEvent peerEvent, Stopwatch clock)
    {
        switch (peerEvent)
        {
            case DownloadGameFilesBegin begin:
                TotalBytes = begin.TotalBytes;
                break;
            case DownloadProgress progress when progress.BytesByPeer is { } split:
                BytesByPeer = split;
                break;
            case DownloadGameFilesFinished finished:
                BytesByPeer = finished.BytesByPeer;
                break;
            case NoPeersHaveGame:
                Outcome = ExitCodes.NotFound;
                break;
            case DownloadGameFilesFailed or DownloadGameFilesCancelled:
                Outcome = ExitCodes.TransferFailed;
                break;
            case InstallGameFailed:
                Outcome = ExitCodes.InstallFailed;
                break;
            case InstallGameFinished:
                Finished = clock.Elapsed;
                Outcome = ExitCodes.Success;
                break;
        }
    }
}
