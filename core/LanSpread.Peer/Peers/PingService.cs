using System.Collections.Concurrent;
using LanSpread.Core.Model;
using LanSpread.Peer.Runtime;
using Microsoft.Extensions.Logging;

namespace LanSpread.Peer.Peers;

/// <summary>
/// Pings every connected peer each interval; a peer that misses <see cref="PeerRuntimeOptions.PingMissesBeforeLost"/>
/// pings in a row is pruned (PeerLost). A ping also carries the peer's library revision, so a changed
/// library is re-listed without waiting for discovery.
/// </summary>
internal sealed class PingService
{
    private readonly RuntimeContext _context;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<PeerId, int> _misses = new();

    public PingService(RuntimeContext context)
    {
        _context = context;
        _logger = context.LoggerFactory.CreateLogger<PingService>();
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_context.Options.PingInterval);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            await PingAllAsync(cancellationToken);
        }
    }

    public Task PingAllAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_context.Connector.Clients.Select(c => PingOneAsync(c, cancellationToken)));

    private async Task PingOneAsync(PeerClient client, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_context.Options.PingInterval);
            var pong = await client.PingAsync(timeout.Token);
            _misses.TryRemove(client.Id, out _);
            await _context.Connector.RefreshIfChangedAsync(client, pong.Revision, timeout.Token);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            var misses = _misses.AddOrUpdate(client.Id, 1, (_, n) => n + 1);
            _logger.LogDebug("Ping to {Name} failed ({Misses}): {Error}", client.Name, misses, ex.Message);
            if (misses >= _context.Options.PingMissesBeforeLost)
            {
                _misses.TryRemove(client.Id, out _);
                await _context.Connector.RemoveAsync(client.Id, $"no answer to {misses} pings ({ex.Message})");
            }
        }
    }
}
