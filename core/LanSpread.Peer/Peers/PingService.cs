using System.Collections.Concurrent;
using System.Diagnostics;
using LanSpread.Core.Model;
using LanSpread.Core.Transport;
using LanSpread.Peer.Library;
using LanSpread.Peer.Runtime;
using Microsoft.Extensions.Logging;

namespace LanSpread.Peer.Peers;

/// <summary>
/// Liveness without a ping per peer pair every interval. A peer is pinged only when nothing else was
/// heard from it lately: a completed exchange on its link (downloads, listings), a request it sent our
/// server (its ping to us serves both ends) or our last ping. The quiet time allowed starts at
/// <see cref="PeerRuntimeOptions.PingInterval"/> and doubles after each ping that found an idle peer
/// alive, up to <see cref="PeerRuntimeOptions.MaxPingBackoff"/> times the interval, with jitter. Of the two
/// ends of a pair only the one with the smaller id pings on that schedule (the other hears its pings);
/// the other pings only if the keeper went silent for longer than its longest quiet time. A peer whose idle connection the transport finds
/// closed (its process exited) is pinged at once; a missed ping is retried every interval, and
/// <see cref="PeerRuntimeOptions.PingMissesBeforeLost"/> misses in a row prune it (PeerLost). Graceful
/// leaves arrive sooner as mDNS goodbyes. When this peer's library revision moves it pings everyone
/// once, and the ping carries the revision, so peers re-list it without waiting (and a pong's revision
/// tells us whether to re-list them).
/// </summary>
internal sealed class PingService
{
    private readonly PeerRuntimeOptions _options;
    private readonly TransportCredentials _credentials;
    private readonly LocalLibrary _library;
    private readonly PeerLiveness _liveness;
    private readonly PeerConnector _connector;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<PeerId, State> _states = new();
    private long _announcedRevision;

    public PingService(PeerRuntimeOptions options, TransportCredentials credentials, LocalLibrary library, PeerLiveness liveness, PeerConnector connector, ILogger<PingService> logger)
    {
        _options = options;
        _credentials = credentials;
        _library = library;
        _liveness = liveness;
        _connector = connector;
        _logger = logger;
        _announcedRevision = library.Revision;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // Ticks at half the interval so a due ping waits at most half an interval; a tick that finds
        // nothing due costs a dictionary walk and one non-blocking poll per peer.
        var tick = TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(50).Ticks, _options.PingInterval.Ticks / 2));
        using var timer = new PeriodicTimer(tick);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            await TickAsync(cancellationToken);
        }
    }

    /// <summary>Pings every peer now, whatever was heard from it (tests and explicit refreshes).</summary>
    public Task PingAllAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_connector.Clients.Select(c => PingOneAsync(c, _states.GetOrAdd(c.Id, _ => new State(_options.PingInterval)), cancellationToken)));

    private Task TickAsync(CancellationToken cancellationToken)
    {
        var revision = _library.Revision;
        var announce = Interlocked.Exchange(ref _announcedRevision, revision) != revision;
        var clients = _connector.Clients;
        foreach (var gone in _states.Keys.Except(clients.Select(c => c.Id)))
        {
            _states.TryRemove(gone, out _);
        }

        var due = new List<Task>();
        foreach (var client in clients)
        {
            var state = _states.GetOrAdd(client.Id, _ => new State(_options.PingInterval));
            if (state.InFlight)
            {
                continue;
            }

            if (announce || IsDue(client, state))
            {
                due.Add(PingOneAsync(client, state, cancellationToken));
            }
        }

        return Task.WhenAll(due);
    }

    private bool IsDue(PeerClient client, State state)
    {
        var link = client.Connection as ITransportConnectionState;
        if (link?.CheckRemoteClosed() == true)
        {
            _logger.LogDebug("A connection to {Name} was closed by the peer; pinging it now", client.Name);
            state.Quiet = _options.PingInterval;
            return true;
        }

        if (_liveness.TakeSuspicion(client.Id))
        {
            _logger.LogDebug("A request to {Name} failed on its link; pinging it now", client.Name);
            state.Quiet = _options.PingInterval;
            return true;
        }

        if (state.Misses > 0)
        {
            return state.SinceAttempt >= _options.PingInterval;
        }

        var heard = Min(Min(link?.SinceLastExchange, _liveness.SinceHeard(client.Id)), state.SinceAttempt);
        // One ping per pair serves both ends, so only one end keeps the pair: the one with the smaller
        // id. The other pings only when the keeper has been silent longer than its longest quiet time.
        var keeper = string.CompareOrdinal(_credentials.PeerId.Value, client.Id.Value) < 0;
        var quiet = keeper ? state.Quiet : (Cap * 1.5) + _options.PingInterval;
        return heard >= quiet * state.Jitter;
    }

    private TimeSpan Cap => _options.PingInterval * Math.Max(1, _options.MaxPingBackoff);

    private static TimeSpan Min(TimeSpan? a, TimeSpan? b) =>
        a is null ? b ?? TimeSpan.MaxValue : b is null ? a.Value : a.Value < b.Value ? a.Value : b.Value;

    private async Task PingOneAsync(PeerClient client, State state, CancellationToken cancellationToken)
    {
        state.InFlight = true;
        state.Attempted();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.PingInterval);
            var pong = await client.PingAsync(_library.Revision, timeout.Token);
            state.Misses = 0;
            // Alive and nothing else flowed: wait longer next time, up to the cap.
            state.Quiet = state.Quiet * 2 < Cap ? state.Quiet * 2 : Cap;
            await _connector.RefreshIfChangedAsync(client, pong.Revision, timeout.Token);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            var misses = ++state.Misses;
            state.Quiet = _options.PingInterval;
            _logger.LogDebug("Ping to {Name} failed ({Misses}): {Error}", client.Name, misses, ex.Message);
            if (misses >= _options.PingMissesBeforeLost)
            {
                _states.TryRemove(client.Id, out _);
                await _connector.PruneAsync(client.Id, $"no answer to {misses} pings ({ex.Message})");
            }
        }
        finally
        {
            state.InFlight = false;
        }
    }

    /// <summary>Ping bookkeeping of one peer (touched by one ping at a time).</summary>
    private sealed class State(TimeSpan quiet)
    {
        private long _attempt;

        public volatile bool InFlight;

        public int Misses;

        public TimeSpan Quiet = quiet;

        /// <summary>1 to 1.25, drawn again at each ping, so the two ends of a pair drift apart.</summary>
        public double Jitter { get; private set; } = 1 + (Random.Shared.NextDouble() / 4);

        public TimeSpan? SinceAttempt => _attempt == 0 ? null : Stopwatch.GetElapsedTime(_attempt);

        public void Attempted()
        {
            _attempt = Stopwatch.GetTimestamp();
            Jitter = 1 + (Random.Shared.NextDouble() / 4);
        }
    }
}
