using System.Collections.Concurrent;
using LanSpread.Core.Model;
using LanSpread.Peer.Peers;
using LanSpread.Peer.Protocol;
using LanSpread.Peer.Runtime;
using Microsoft.Extensions.Logging;

namespace LanSpread.Peer.Swarm;

/// <summary>
/// The client side of swarming (DESIGN F.2, docs/SWARMING.md): while a download runs, asks every
/// connected peer (trusted, not banned) what it holds of the game, every
/// <see cref="PeerRuntimeOptions.AvailabilityPollInterval"/>. A peer whose chunk map names the download's
/// manifest digest is reported once as joined (with what it holds) and then whenever it gains chunks;
/// maps of another digest, a wrong chunk count or a malformed bitmap are ignored (logged). Peers that
/// hold nothing of the game are asked again only every few intervals, so idle peers cost little. What
/// each peer holds is also kept in <see cref="PeerGameDB"/> (for display and later downloads).
/// </summary>
internal sealed class SwarmTracker
{
    /// <summary>Polls skipped after a peer answered that it holds nothing of the game.</summary>
    private const int IdleBackoff = 4;

    private readonly PeerRuntimeOptions _options;
    private readonly IConnectedPeers _connected;
    private readonly IReadOnlySet<PeerId> _trustedPeers;
    private readonly PeerGameDB _peerGameDb;
    private readonly string _game;
    private readonly GameManifest _manifest;
    private readonly int _count;
    private readonly Action<PeerClient, PeerAvailability> _joined;
    private readonly Action<PeerId, IReadOnlyCollection<int>> _gained;
    private readonly Func<PeerId, bool> _excluded;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<PeerId, PeerState> _states = new();

    /// <param name="options">The poll interval.</param>
    /// <param name="connected">The peers to ask.</param>
    /// <param name="trustedPeers">When not empty, the only peers asked.</param>
    /// <param name="peerGameDb">Keeps what each peer holds.</param>
    /// <param name="logger">The log.</param>
    /// <param name="game">The game downloading.</param>
    /// <param name="manifest">Its chosen manifest.</param>
    /// <param name="joined">A peer with this manifest was found (first map); indexes are manifest chunk indexes.</param>
    /// <param name="gained">A known partial peer holds more chunks (manifest chunk indexes).</param>
    /// <param name="excluded">Peers not to ask (banned, already used as complete seeders).</param>
    public SwarmTracker(PeerRuntimeOptions options, IConnectedPeers connected, IReadOnlySet<PeerId> trustedPeers, PeerGameDB peerGameDb, ILogger<SwarmTracker> logger,
        string game, GameManifest manifest, Action<PeerClient, PeerAvailability> joined, Action<PeerId, IReadOnlyCollection<int>> gained, Func<PeerId, bool> excluded)
    {
        _options = options;
        _connected = connected;
        _trustedPeers = trustedPeers;
        _peerGameDb = peerGameDb;
        _game = game;
        _manifest = manifest;
        _count = manifest.Files.Sum(f => f.Chunks.Count);
        _joined = joined;
        _gained = gained;
        _excluded = excluded;
        _logger = logger;
    }

    /// <summary>Polls until cancelled (the download ended).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.AvailabilityPollInterval);
        try
        {
            do
            {
                await PollOnceAsync(cancellationToken);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Asks each due peer once, in parallel.</summary>
    public Task PollOnceAsync(CancellationToken cancellationToken)
    {
        var due = new List<Task>();
        foreach (var client in _connected.Clients)
        {
            if (_excluded(client.Id) || (_trustedPeers.Count > 0 && !_trustedPeers.Contains(client.Id)))
            {
                continue;
            }

            var state = _states.GetOrAdd(client.Id, _ => new PeerState());
            if (state.InFlight)
            {
                continue;
            }

            if (state.Skip > 0)
            {
                state.Skip--; // held nothing of the game lately: asked only every few polls
                continue;
            }

            due.Add(PollAsync(client, state, cancellationToken));
        }

        return Task.WhenAll(due);
    }

    private async Task PollAsync(PeerClient client, PeerState state, CancellationToken cancellationToken)
    {
        state.InFlight = true;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            var map = await client.GetChunkMapAsync(_game, timeout.Token);
            var availability = Parse(client, map);
            if (availability is null)
            {
                state.Skip = IdleBackoff;
                return;
            }

            _peerGameDb.SetAvailability(client.Id, _game, availability);
            if (state.Last is null)
            {
                state.Last = availability;
                _logger.LogDebug("{Peer} holds {Held}/{Count} chunks of {Game}", client.Name, availability.CountHeld(_count), _count, _game);
                _joined(client, availability);
                return;
            }

            if (availability.Generation == state.Last.Generation && availability.Complete == state.Last.Complete)
            {
                return;
            }

            var gained = Enumerable.Range(0, _count).Where(i => availability.Has(i) && !state.Last.Has(i)).ToList();
            state.Last = availability;
            if (gained.Count > 0)
            {
                _gained(client.Id, gained);
            }
        }
        catch (ProtocolException ex) when (ex.Code is ErrorCode.UnknownGame or ErrorCode.UnknownRequest)
        {
            state.Skip = IdleBackoff; // holds nothing of it (or predates swarming): ask again later
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            _logger.LogDebug("Chunk map of {Game} from {Peer} failed: {Error}", _game, client.Name, ex.Message);
        }
        finally
        {
            state.InFlight = false;
        }
    }

    /// <summary>The map as availability of this download's manifest, or null when it is of no use here (another digest, or malformed).</summary>
    private PeerAvailability? Parse(PeerClient client, ChunkMap map)
    {
        if (map.Digest != _manifest.Digest || map.Version != _manifest.Version)
        {
            return null;
        }

        if (map.Chunks != _count)
        {
            _logger.LogWarning("{Peer} sent a chunk map of {Game} with {Chunks} chunks where the manifest has {Count}; ignored", client.Name, _game, map.Chunks, _count);
            return null;
        }

        if (map.Complete)
        {
            return new PeerAvailability(map.Version, map.Digest, true, [], map.Generation);
        }

        byte[] bits;
        try
        {
            bits = Convert.FromBase64String(map.Bitmap ?? string.Empty);
        }
        catch (FormatException)
        {
            bits = [];
        }

        if (bits.Length != (_count + 7) / 8)
        {
            _logger.LogWarning("{Peer} sent a malformed chunk bitmap of {Game} ({Bytes} bytes for {Count} chunks); ignored", client.Name, _game, bits.Length, _count);
            return null;
        }

        var held = new bool[_count];
        for (var i = 0; i < _count; i++)
        {
            held[i] = (bits[i >> 3] & (1 << (i & 7))) != 0;
        }

        return new PeerAvailability(map.Version, map.Digest, false, held, map.Generation);
    }

    private sealed class PeerState
    {
        public volatile bool InFlight;

        public int Skip;

        public PeerAvailability? Last;
    }
}
