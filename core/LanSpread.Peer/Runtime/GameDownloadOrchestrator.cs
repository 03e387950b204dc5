using LanSpread.Core.Commands;
using LanSpread.Core.Events;
using LanSpread.Peer.Download;

namespace LanSpread.Peer.Runtime;

/// <summary>
/// Runs <see cref="DownloadGame"/>: the handshake hosts used to drive themselves (GetGame → GotGameFiles
/// → DownloadGameFiles → install) as one task inside the runtime. It only calls the pipeline's steps;
/// every event a host saw before is still published, in the same order.
/// </summary>
internal sealed class GameDownloadOrchestrator(EventBus events, DownloadPipeline downloads, DownloadInstaller downloadInstaller)
{
    public async Task RunAsync(DownloadGame command, CancellationToken cancellationToken)
    {
        var files = await FetchDetailsAsync(command.Id, cancellationToken);
        if (files is null)
        {
            return; // NoPeersHaveGame was published
        }

        await downloadInstaller.RunAsync(
            onStaged => downloads.DownloadAsync(command.Id, files.Files, command.AllowDowngrade, cancellationToken, onStaged), command.Id, cancellationToken);
    }

    /// <summary>
    /// The pipeline announces its answer as an event rather than returning it; the answer is caught on
    /// the bus's synchronous hook so the pipeline stays as it is (its scheduler is being reworked).
    /// </summary>
    private async Task<GotGameFiles?> FetchDetailsAsync(string game, CancellationToken cancellationToken)
    {
        GotGameFiles? answer = null;
        void Observe(PeerEvent peerEvent)
        {
            if (peerEvent is GotGameFiles files && files.Game == game)
            {
                Interlocked.CompareExchange(ref answer, files, null);
            }
        }

        events.Published += Observe;
        try
        {
            await downloads.FetchDetailsAsync(game, cancellationToken);
        }
        finally
        {
            events.Published -= Observe;
        }

        return Volatile.Read(ref answer);
    }
}
