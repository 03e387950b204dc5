using System.Threading.Channels;
using LanSpread.Core.Commands;
using LanSpread.Core.Discovery;
using LanSpread.Core.Transport;
using LanSpread.Peer.Library;
using LanSpread.Peer.Peers;
using Microsoft.Extensions.Logging;

namespace LanSpread.Peer.Runtime;

/// <summary>
/// What a runtime's start-up has started so far. Each start-up step records its part here as soon as it
/// exists, so one teardown serves both a normal stop and a start-up that fails part-way (a cancelled
/// start, a discovery that throws): nothing that started — listener, watchers, discovery sessions,
/// connections, component tasks — is left behind.
/// </summary>
internal sealed class RuntimeComponents(ILogger logger)
{
    public CancellationTokenSource Stopping { get; } = new();

    public Channel<PeerCommand> Commands { get; } = Channel.CreateUnbounded<PeerCommand>(new UnboundedChannelOptions { SingleReader = true });

    public LibraryIndex? Index { get; set; }

    public PeerConnector? Connector { get; set; }

    public ITransportListener? Listener { get; set; }

    public LocalGameMonitor? Monitor { get; set; }

    /// <summary>The server's upload limiter (its token bucket runs a timer).</summary>
    public Server.UploadLimiter? Uploads { get; set; }

    public List<IDiscoverySession> Sessions { get; } = [];

    public IReadOnlyList<Task> Tasks { get; set; } = [];

    /// <summary>Stops what started, in reverse order of start: discovery says goodbye first, then the server and the components.</summary>
    public async Task StopAsync()
    {
        Commands.Writer.TryComplete();
        foreach (var session in Sessions)
        {
            try
            {
                await session.DisposeAsync(); // goodbye
            }
            catch (Exception ex)
            {
                logger.LogDebug("Discovery stop: {Error}", ex.Message);
            }
        }

        await Stopping.CancelAsync();
        if (Listener is not null)
        {
            await Listener.DisposeAsync();
        }

        await Task.WhenAll(Tasks);
        Uploads?.Dispose();
        Monitor?.Dispose();
        if (Connector is not null)
        {
            await Connector.DisposeAsync();
        }

        Index?.Save();
        Stopping.Dispose();
    }
}
