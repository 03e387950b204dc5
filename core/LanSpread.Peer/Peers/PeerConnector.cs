using System.Collections.Concurrent;
using System.Net;
using LanSpread.Core.Discovery;
using LanSpread.Core.Events;
using LanSpread.Core.Model;
using LanSpread.Core.Transport;
using LanSpread.Peer.Identity;
using LanSpread.Peer.Library;
using LanSpread.Peer.Runtime;
using Microsoft.Extensions.Logging;

namespace LanSpread.Peer.Peers;

/// <summary>
/// Membership: turns discovery sightings into verified connections (identity checked by the transport),
/// learns each peer's name and games, and removes peers that say goodbye or stop answering. It is the
/// <see cref="IDiscoveryObserver"/> of every discovery mechanism, so mDNS and static peers share one path.
/// A peer discovery still reports (by id) but that could not be reached, or that was pruned for missing
/// pings, is tried again with back-off until it joins or discovery reports it gone: a responder that
/// announces only at start and then stays silent for our known-answer queries (avahi, RFC 6762 §7.1)
/// reports it once, so a server that was not listening yet at that moment would otherwise never be joined.
/// </summary>
internal sealed class PeerConnector : IDiscoveryObserver, IConnectedPeers, IAsyncDisposable
{
    private readonly ITransport _transport;
    private readonly TransportCredentials _credentials;
    private readonly PeerGameDB _peerGameDb;
    private readonly EventBus _events;
    private readonly LibraryPublisher _publisher;
    private readonly PeerLiveness _liveness;
    private readonly KnownPeers? _knownPeers;
    private readonly IReadOnlySet<PeerId> _trustedPeers;
    private readonly CancellationToken _stopping;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<PeerId, PeerClient> _clients = new();
    private readonly ConcurrentDictionary<string, byte> _connecting = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<PeerId, long> _revisions = new();
    private readonly ConcurrentDictionary<PeerId, SemaphoreSlim> _refreshing = new();
    private readonly ConcurrentDictionary<PeerId, byte> _untrusted = new();

    // The latest sighting of every peer discovery reports by id and has not reported gone: what a retry dials.
    private readonly ConcurrentDictionary<PeerId, DiscoveredPeer> _sightings = new();

    /// <param name="transport">Dials peers.</param>
    /// <param name="credentials">This peer's identity (a sighting of ourselves is ignored).</param>
    /// <param name="peerGameDb">Where joined peers and their games are recorded.</param>
    /// <param name="events">Peer found/lost/identity events.</param>
    /// <param name="publisher">Publishes the merged library when a peer's games change.</param>
    /// <param name="liveness">Forgets a removed peer.</param>
    /// <param name="knownPeers">Peers remembered across restarts (identity-change warnings); null in component tests.</param>
    /// <param name="trustedPeers">When not empty, the only peers joined.</param>
    /// <param name="logger">The log.</param>
    /// <param name="stopping">Stops the joining tasks with the runtime.</param>
    public PeerConnector(ITransport transport, TransportCredentials credentials, PeerGameDB peerGameDb, EventBus events, LibraryPublisher publisher,
        PeerLiveness liveness, KnownPeers? knownPeers, IReadOnlySet<PeerId> trustedPeers, ILogger<PeerConnector> logger, CancellationToken stopping)
    {
        _transport = transport;
        _credentials = credentials;
        _peerGameDb = peerGameDb;
        _events = events;
        _publisher = publisher;
        _liveness = liveness;
        _knownPeers = knownPeers;
        _trustedPeers = trustedPeers;
        _stopping = stopping;
        _logger = logger;
    }

    public IReadOnlyCollection<PeerClient> Clients => _clients.Values.ToList();

    public PeerClient? Find(PeerId id) => _clients.GetValueOrDefault(id);

    /// <summary>First wait before dialling a reported peer again that could not be reached; doubles per attempt.</summary>
    internal static TimeSpan RejoinFirstDelay { get; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between attempts on a reported peer that cannot be reached (one refused dial: cheap).</summary>
    internal static TimeSpan RejoinMaxDelay { get; } = TimeSpan.FromSeconds(16);

    public void OnPeerFound(DiscoveredPeer peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        if (peer.PeerId is { } seen && seen != _credentials.PeerId)
        {
            _sightings[seen] = peer;
        }

        if (peer.PeerId is { } id && (id == _credentials.PeerId || _clients.ContainsKey(id) || _untrusted.ContainsKey(id)))
        {
            return;
        }

        if (peer.PeerId is null && _clients.Values.Any(c => peer.EndPoints.Any(e => SameEndPoint(e, c.EndPoint))))
        {
            return;
        }

        if (peer.ProtocolVersion != 0 && peer.ProtocolVersion != Protocol.ProtocolConstants.Version)
        {
            _logger.LogWarning("Ignoring {Peer}: it speaks protocol version {Version}, this peer speaks {Ours}", peer.Name, peer.ProtocolVersion, Protocol.ProtocolConstants.Version);
            return;
        }

        StartJoining(peer, TimeSpan.Zero);
    }

    public void OnPeerGone(PeerId peerId, string reason)
    {
        _sightings.TryRemove(peerId, out _);
        _ = RemoveAsync(peerId, reason);
    }

    /// <summary>
    /// Removes a peer that stopped answering pings. Discovery may still report it (a busy peer, a
    /// link that dropped for a while), and may never report it again (a silent avahi responder), so
    /// it is dialled again with back-off until it answers or discovery reports it gone.
    /// </summary>
    public async Task PruneAsync(PeerId peerId, string reason)
    {
        await RemoveAsync(peerId, reason);
        if (_sightings.TryGetValue(peerId, out var sighting))
        {
            StartJoining(sighting, RejoinFirstDelay);
        }
    }

    public async Task RemoveAsync(PeerId peerId, string reason)
    {
        if (!_clients.TryRemove(peerId, out var client))
        {
            return;
        }

        _revisions.TryRemove(peerId, out _);
        _refreshing.TryRemove(peerId, out _);
        _liveness.Forget(peerId);
        await client.DisposeAsync();
        var removed = _peerGameDb.Remove(peerId, out var address);
        if (removed is not null)
        {
            _logger.LogInformation("Peer {Name} ({Id}) lost: {Reason}", removed.Name, peerId.Abbreviated, reason);
            _events.Publish(new PeerLost(removed.Name, peerId, address, reason));
            _events.Publish(new PeerCountChanged(_peerGameDb.Count));
            _publisher.PublishSnapshot();
        }
    }

    /// <summary>Re-lists a peer's games when its library revision moved (learned from pings).</summary>
    public async Task RefreshIfChangedAsync(PeerClient client, long revision, CancellationToken cancellationToken)
    {
        if (_revisions.TryGetValue(client.Id, out var known) && known == revision)
        {
            return;
        }

        await RefreshGamesAsync(client, cancellationToken);
    }

    /// <summary>
    /// <see cref="RefreshIfChangedAsync"/> for a revision a peer pushed to us (in its ping): failures are
    /// the pinger's business (our own pings prune), so they are only logged.
    /// </summary>
    public async Task RefreshIfChangedQuietlyAsync(PeerClient client, long revision, CancellationToken cancellationToken)
    {
        try
        {
            await RefreshIfChangedAsync(client, revision, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _logger.LogDebug("Re-listing {Name} after its revision {Revision} failed: {Error}", client.Name, revision, ex.Message);
        }
    }

    public async Task RefreshGamesAsync(PeerClient client, CancellationToken cancellationToken)
    {
        // One listing of a peer at a time: a delta applies to exactly the revision we hold.
        var gate = _refreshing.GetOrAdd(client.Id, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            // Only the changes when we hold an earlier revision of its list.
            var since = _revisions.TryGetValue(client.Id, out var known) ? known : 0;
            var list = await client.ListGamesAsync(since, cancellationToken);
            var games = ValidGames(client, list.Games);
            var changed = list.Delta
                ? _peerGameDb.ApplyDelta(client.Id, games, list.Removed)
                : _peerGameDb.SetGames(client.Id, games);
            _peerGameDb.SetHashing(client.Id, list.Hashing);
            _revisions[client.Id] = list.Revision;
            if (changed)
            {
                _publisher.PublishSnapshot();
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private IReadOnlyList<GameSummary> ValidGames(PeerClient client, IReadOnlyList<GameSummary> announced)
    {
        var games = PeerAnnouncements.ValidGames(announced, out var dropped);
        if (dropped.Count > 0)
        {
            _logger.LogWarning("Peer {Name} ({Id}) announced {Count} invalid game(s), ignored: {Problems}", client.Name, client.Id.Abbreviated, dropped.Count, string.Join("; ", dropped));
        }

        return games;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients.Values)
        {
            await client.DisposeAsync();
        }

        _clients.Clear();
    }

    /// <summary>
    /// Remembers the peer (warning when a known name or address now has another id) and applies the
    /// trust list: with one configured, a peer not on it is never joined, so no download uses it.
    /// </summary>
    private bool Admit(PeerClient client, IPEndPoint endPoint)
    {
        var trusted = _trustedPeers.Count == 0 || _trustedPeers.Contains(client.Id);
        var conflicts = _knownPeers?.Observe(client.Id, client.Name, endPoint.ToString(), DateTimeOffset.UtcNow) ?? [];
        foreach (var conflict in conflicts)
        {
            _logger.LogWarning("PEER IDENTITY CHANGED: {Name} at {EndPoint} now presents id {Id}; the {Reason}. A reinstalled peer, or another machine in its place{Advice}",
                client.Name, endPoint, client.Id, conflict.Reason, trusted && _trustedPeers.Count > 0 ? " (the new id is trusted)" : _trustedPeers.Count > 0 ? "; it is not trusted and will not be used" : "; use --trust-peer to download only from peers you know");
            _events.Publish(new PeerIdentityChanged(client.Name, client.Id, endPoint.ToString(), conflict.Previous, conflict.Reason, trusted && _trustedPeers.Count > 0));
        }

        if (!trusted && _untrusted.TryAdd(client.Id, 0))
        {
            _logger.LogWarning("Not using peer {Name} ({Id}) at {EndPoint}: it is not in the trusted peers", client.Name, client.Id, endPoint);
        }

        return trusted;
    }

    /// <summary>One joining task per peer (or static endpoint) at a time; <paramref name="firstDelay"/> before the first dial.</summary>
    private void StartJoining(DiscoveredPeer peer, TimeSpan firstDelay)
    {
        var key = peer.PeerId?.Value ?? string.Join(',', peer.EndPoints);
        if (!_connecting.TryAdd(key, 0))
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await JoinAsync(peer, firstDelay, _stopping);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
            }
            finally
            {
                _connecting.TryRemove(key, out _);
            }
        });
    }

    /// <summary>
    /// Dials until joined. A peer reported without an id (a static <c>--peer</c>) gets one attempt: its
    /// discovery reports it again every interval. A peer reported by id is dialled again, 1 s, 2 s, 4 s …
    /// up to <see cref="RejoinMaxDelay"/> apart (with jitter), while discovery still reports it, with the
    /// endpoints of its latest sighting.
    /// </summary>
    private async Task JoinAsync(DiscoveredPeer peer, TimeSpan firstDelay, CancellationToken cancellationToken)
    {
        var delay = RejoinFirstDelay;
        var wait = firstDelay;
        while (true)
        {
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait * (0.75 + (Random.Shared.NextDouble() / 2)), cancellationToken);
                if (peer.PeerId is not { } id || !_sightings.TryGetValue(id, out var latest) || _clients.ContainsKey(id) || _untrusted.ContainsKey(id))
                {
                    return;
                }

                peer = latest;
            }

            if (!await ConnectAsync(peer, cancellationToken) || peer.PeerId is null)
            {
                return;
            }

            wait = delay;
            delay = delay * 2 < RejoinMaxDelay ? delay * 2 : RejoinMaxDelay;
        }
    }

    private static bool SameEndPoint(IPEndPoint a, IPEndPoint b) =>
        a.Port == b.Port && (a.Address.Equals(b.Address) || a.Address.MapToIPv6().Equals(b.Address.MapToIPv6()));

    /// <summary>Tries each endpoint; true when none could be reached (worth another try later).</summary>
    private async Task<bool> ConnectAsync(DiscoveredPeer peer, CancellationToken cancellationToken)
    {
        foreach (var endPoint in peer.EndPoints)
        {
            PeerClient? client = null;
            try
            {
                var connection = await _transport.ConnectAsync(endPoint, peer.PeerId, _credentials, cancellationToken);
                client = new PeerClient(connection, peer.Name);
                if (client.Id == _credentials.PeerId)
                {
                    await client.DisposeAsync(); // a static --peer pointing at ourselves
                    return false;
                }

                var pong = await client.PingAsync(cancellationToken);
                client.Name = string.IsNullOrWhiteSpace(pong.Name) ? peer.Name : pong.Name;
                if (!Admit(client, endPoint))
                {
                    await client.DisposeAsync();
                    return false;
                }

                if (!_clients.TryAdd(client.Id, client))
                {
                    await client.DisposeAsync();
                    return false;
                }

                var address = endPoint.ToString();
                // The peer is counted (PeerDiscovered, the peer count) only with its list in hand, so
                // a listing that returns once every peer answered holds all of their games.
                var gate = _refreshing.GetOrAdd(client.Id, _ => new SemaphoreSlim(1, 1));
                bool isNew;
                bool changed;
                await gate.WaitAsync(cancellationToken);
                try
                {
                    var list = await client.ListGamesAsync(since: 0, cancellationToken);
                    // One step: a peer counted before its games are set was listed with none (list --remote).
                    isNew = _peerGameDb.Join(client.Id, client.Name, address, ValidGames(client, list.Games), list.Hashing, out changed);
                    _revisions[client.Id] = list.Revision;
                }
                finally
                {
                    gate.Release();
                }

                if (!isNew && changed)
                {
                    _publisher.PublishSnapshot();
                }

                if (isNew)
                {
                    _logger.LogInformation("Peer {Name} ({Id}) at {Address} via {Source}", client.Name, client.Id.Abbreviated, address, peer.Source);
                    _events.Publish(new PeerDiscovered(client.Name, client.Id, address, peer.Source));
                    _events.Publish(new PeerCountChanged(_peerGameDb.Count));
                    _publisher.PublishSnapshot();
                }

                return false;
            }
            catch (Core.Transport.PeerIdentityMismatchException ex)
            {
                _logger.LogWarning("Refused peer {Name} at {EndPoint}: {Error}", peer.Name, endPoint, ex.Message);
                if (client is not null)
                {
                    await client.DisposeAsync();
                }

                return false;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _logger.LogDebug("Could not reach {Name} at {EndPoint}: {Error}", peer.Name, endPoint, ex.Message);
                if (client is not null)
                {
                    if (_clients.TryGetValue(client.Id, out var registered) && ReferenceEquals(registered, client))
                    {
                        await RemoveAsync(client.Id, $"failed while joining: {ex.Message}");
                    }
                    else
                    {
                        await client.DisposeAsync();
                    }
                }
            }
        }

        return true;
    }
}
