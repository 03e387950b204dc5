using System.Net;
using System.Threading.Channels;
using LanSpread.Core.Commands;
using LanSpread.Core.Model;
using LanSpread.Peer.Library;
using LanSpread.Peer.Peers;

namespace LanSpread.Peer.Runtime;

/// <summary>
/// The host's grip on a running peer: send <see cref="PeerCommand"/>s, read events from
/// <see cref="Events"/>, stop. The runtime is headless; this is the whole API.
/// </summary>
public sealed class PeerRuntimeHandle : IAsyncDisposable
{
    private readonly Channel<PeerCommand> _commands;
    private readonly Func<Task> _stop;
    private int _stopped;

    internal PeerRuntimeHandle(PeerId peerId, string name, IPEndPoint localEndPoint, EventBus events, PeerGameDB peerGameDb, LocalLibrary library, GameCatalog catalog, Channel<PeerCommand> commands, Func<Task> stop)
    {
        PeerId = peerId;
        Name = name;
        LocalEndPoint = localEndPoint;
        Events = events;
        PeerGameDb = peerGameDb;
        Library = library;
        Catalog = catalog;
        _commands = commands;
        _stop = stop;
    }

    public PeerId PeerId { get; }

    public string Name { get; }

    /// <summary>Where the server listens (with the real port when 0 was asked for).</summary>
    public IPEndPoint LocalEndPoint { get; }

    public EventBus Events { get; }

    public PeerGameDB PeerGameDb { get; }

    public LocalLibrary Library { get; }

    public GameCatalog Catalog { get; }

    public ValueTask SendAsync(PeerCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        return _commands.Writer.WriteAsync(command, cancellationToken);
    }

    /// <summary>Stops every component: discovery says goodbye, transfers are cancelled, the event stream ends.</summary>
    public Task StopAsync() => Interlocked.Exchange(ref _stopped, 1) == 0 ? _stop() : Task.CompletedTask;

    public async ValueTask DisposeAsync() => await StopAsync();
}
