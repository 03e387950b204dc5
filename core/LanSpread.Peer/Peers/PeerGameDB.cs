using LanSpread.Core.Model;
using LanSpread.Peer.Library;

namespace LanSpread.Peer.Peers;

/// <summary>
/// What the discovered peers advertise: each peer's games, the latest version per title, the last
/// file list per peer and game. Thread-safe. <see cref="Merge"/> also folds in the local library, so
/// titles only this peer has are listed too (a known gap of the original). A peer found lying about a
/// game (details that disagree with its announcement) is skipped for that game until it announces
/// something else: it no longer counts for the latest version nor for the peers offering it.
/// </summary>
public sealed class PeerGameDB
{
    private readonly Dictionary<PeerId, PeerRecord> _peers = [];
    private readonly Lock _gate = new();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _peers.Count;
            }
        }
    }

    /// <summary>Adds or refreshes a peer; true when it is new.</summary>
    public bool Upsert(PeerId id, string name, string address)
    {
        lock (_gate)
        {
            if (_peers.TryGetValue(id, out var existing))
            {
                existing.Name = name;
                existing.Address = address;
                return false;
            }

            _peers[id] = new PeerRecord(id, name, address);
            return true;
        }
    }

    public PeerRef? Remove(PeerId id, out string address)
    {
        lock (_gate)
        {
            if (_peers.Remove(id, out var record))
            {
                address = record.Address;
                return new PeerRef(record.Name, id);
            }
        }

        address = string.Empty;
        return null;
    }

    public IReadOnlyList<PeerRef> Peers()
    {
        lock (_gate)
        {
            return _peers.Values.Select(p => new PeerRef(p.Name, p.Id)).ToList();
        }
    }

    public string? NameOf(PeerId id)
    {
        lock (_gate)
        {
            return _peers.GetValueOrDefault(id)?.Name;
        }
    }

    /// <summary>What one peer offers (complete copies), sorted by id; empty for an unknown peer.</summary>
    public IReadOnlyList<GameSummary> GamesOf(PeerId id)
    {
        lock (_gate)
        {
            return _peers.TryGetValue(id, out var record) ? record.Games.Values.OrderBy(g => g.Id, StringComparer.Ordinal).ToList() : [];
        }
    }

    /// <summary>
    /// Adds or refreshes a peer together with its game list and the games it still hashes, in one step:
    /// nobody sees the peer counted without its games (a <c>list --remote</c> that returns once every
    /// peer is counted would print it with none). True when the peer is new; <paramref name="changed"/>
    /// says whether what it offers changed.
    /// </summary>
    public bool Join(PeerId id, string name, string address, IReadOnlyList<GameSummary> games, IReadOnlyList<string> hashing, out bool changed)
    {
        ArgumentNullException.ThrowIfNull(hashing);
        lock (_gate)
        {
            var isNew = !_peers.TryGetValue(id, out var record);
            if (record is null)
            {
                record = new PeerRecord(id, name, address);
                _peers[id] = record;
            }
            else
            {
                record.Name = name;
                record.Address = address;
            }

            changed = ApplyGames(record, games);
            record.Hashing = [.. hashing];
            return isNew;
        }
    }

    /// <summary>Replaces what a peer offers; true when it changed.</summary>
    public bool SetGames(PeerId id, IReadOnlyList<GameSummary> games)
    {
        lock (_gate)
        {
            return _peers.TryGetValue(id, out var record) && ApplyGames(record, games);
        }
    }

    private static bool ApplyGames(PeerRecord record, IReadOnlyList<GameSummary> games)
    {
        // Belt and braces: callers pass PeerAnnouncements.ValidGames' output; a hostile list must never throw here.
        games = [.. games.Where(g => g is not null && GameId.IsValid(g.Id)).DistinctBy(g => g.Id, StringComparer.Ordinal)];
        var changed = record.Games.Count != games.Count || games.Any(g => !record.Games.TryGetValue(g.Id, out var old) || old != g);
        foreach (var game in games.Where(g => record.Skipped.ContainsKey(g.Id) && record.Games.GetValueOrDefault(g.Id) != g).ToList())
        {
            record.Skipped.Remove(game.Id); // it announces something else now: judge it again
        }

        record.Games = games.ToDictionary(g => g.Id, StringComparer.Ordinal);
        foreach (var stale in record.Files.Keys.Where(k => !record.Games.ContainsKey(k)).ToList())
        {
            record.Files.Remove(stale);
        }

        return changed;
    }

    /// <summary>
    /// Records the games a peer has but still hashes (its last ListGames answer's <c>hashing</c>; empty
    /// once it is done or from a peer that does not say). The caller bounds the list.
    /// </summary>
    public void SetHashing(PeerId id, IReadOnlyList<string> hashing)
    {
        ArgumentNullException.ThrowIfNull(hashing);
        lock (_gate)
        {
            if (_peers.TryGetValue(id, out var record))
            {
                record.Hashing = [.. hashing];
            }
        }
    }

    /// <summary>The peers that report a game as still hashing (it is coming: not listed yet).</summary>
    public IReadOnlyList<PeerRef> PeersHashing(string gameId)
    {
        lock (_gate)
        {
            return _peers.Values.Where(p => p.Hashing.Contains(gameId, StringComparer.Ordinal)).Select(p => new PeerRef(p.Name, p.Id)).ToList();
        }
    }

    /// <summary>The games each peer still hashing reports as pending (peers with none are left out).</summary>
    public IReadOnlyDictionary<PeerRef, IReadOnlyList<string>> Hashing()
    {
        lock (_gate)
        {
            return _peers.Values.Where(p => p.Hashing.Count > 0).ToDictionary(p => new PeerRef(p.Name, p.Id), p => p.Hashing);
        }
    }

    /// <summary>Applies what changed in a peer's offer (a ListGames delta); true when anything did.</summary>
    public bool ApplyDelta(PeerId id, IReadOnlyList<GameSummary> changed, IReadOnlyList<string> removed)
    {
        lock (_gate)
        {
            if (!_peers.TryGetValue(id, out var record))
            {
                return false;
            }

            var any = false;
            foreach (var game in changed)
            {
                if (!record.Games.TryGetValue(game.Id, out var old) || old != game)
                {
                    record.Games[game.Id] = game;
                    record.Files.Remove(game.Id);
                    any = true;
                }
            }

            foreach (var gone in removed)
            {
                any |= record.Games.Remove(gone);
                record.Files.Remove(gone);
            }

            return any;
        }
    }

    public void SetFiles(PeerId id, GameDetails details)
    {
        lock (_gate)
        {
            if (_peers.TryGetValue(id, out var record) && GameId.IsValid(details.Id))
            {
                record.Files[details.Id] = details;
            }
        }
    }

    public GameDetails? FilesOf(PeerId id, string gameId)
    {
        lock (_gate)
        {
            return _peers.GetValueOrDefault(id)?.Files.GetValueOrDefault(gameId);
        }
    }

    /// <summary>Records what a peer holds of a game (its chunk map; DESIGN F.2).</summary>
    public void SetAvailability(PeerId id, string gameId, PeerAvailability availability)
    {
        ArgumentNullException.ThrowIfNull(availability);
        lock (_gate)
        {
            if (_peers.TryGetValue(id, out var record) && GameId.IsValid(gameId))
            {
                record.Availability[gameId] = availability;
            }
        }
    }

    /// <summary>Forgets what a peer holds of a game (it no longer answers for it).</summary>
    public void ClearAvailability(PeerId id, string gameId)
    {
        lock (_gate)
        {
            _peers.GetValueOrDefault(id)?.Availability.Remove(gameId);
        }
    }

    /// <summary>The peers known to hold chunks of a game with the given manifest digest, complete or partial.</summary>
    public IReadOnlyList<(PeerRef Peer, PeerAvailability Availability)> Holders(string gameId, string digest)
    {
        lock (_gate)
        {
            return _peers.Values
                .Where(p => p.Availability.TryGetValue(gameId, out var a) && a.Digest == digest && !p.Skipped.ContainsKey(gameId))
                .Select(p => (new PeerRef(p.Name, p.Id), p.Availability[gameId]))
                .ToList();
        }
    }

    /// <summary>Stops counting a peer for a game (its details disagree with what it announced); true when newly skipped.</summary>
    public bool Skip(PeerId id, string gameId, string reason)
    {
        lock (_gate)
        {
            return _peers.TryGetValue(id, out var record) && record.Skipped.TryAdd(gameId, reason);
        }
    }

    /// <summary>Why a peer is skipped for a game, or null.</summary>
    public string? SkipReason(PeerId id, string gameId)
    {
        lock (_gate)
        {
            return _peers.GetValueOrDefault(id)?.Skipped.GetValueOrDefault(gameId);
        }
    }

    /// <summary>The newest version any peer offers, or null.</summary>
    public string? LatestVersion(string gameId)
    {
        lock (_gate)
        {
            string? latest = null;
            foreach (var peer in _peers.Values)
            {
                if (peer.Games.TryGetValue(gameId, out var game) && !peer.Skipped.ContainsKey(gameId) && GameVersion.Compare(game.Version, latest) > 0)
                {
                    latest = game.Version;
                }
            }

            return latest;
        }
    }

    /// <summary>The peers that offer exactly the latest version of a game.</summary>
    public IReadOnlyList<PeerRef> PeersWithLatest(string gameId)
    {
        lock (_gate)
        {
            var latest = LatestVersion(gameId);
            return latest is null
                ? []
                : _peers.Values.Where(p => p.Games.TryGetValue(gameId, out var g) && !p.Skipped.ContainsKey(gameId) && GameVersion.Compare(g.Version, latest) == 0)
                    .Select(p => new PeerRef(p.Name, p.Id)).ToList();
        }
    }

    /// <summary>The merged library: every catalog title that is local or offered, with both sides' state.</summary>
    public IReadOnlyList<Game> Merge(GameDB local, GameCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(local);
        ArgumentNullException.ThrowIfNull(catalog);
        lock (_gate)
        {
            var ids = new SortedSet<string>(local.Games.Keys, StringComparer.Ordinal);
            foreach (var peer in _peers.Values)
            {
                ids.UnionWith(peer.Games.Keys);
            }

            var games = new List<Game>();
            foreach (var id in ids)
            {
                var mine = local.Find(id);
                var entry = catalog.Find(id);
                var offered = LatestVersion(id);
                var latest = GameVersion.Compare(mine?.Version, offered) >= 0 && mine?.IsDownloaded == true ? mine.Version : offered;
                var withLatest = offered is null ? 0 : PeersWithLatest(id).Count;
                var size = mine?.IsDownloaded == true
                    ? mine.Size
                    : _peers.Values.Select(p => p.Games.GetValueOrDefault(id)).Where(g => g is not null && g.Version == offered).Select(g => g!.Size).FirstOrDefault();
                games.Add(new Game(
                    id,
                    entry?.Name ?? id,
                    entry?.Description ?? string.Empty,
                    entry?.Genre ?? string.Empty,
                    entry?.MaxPlayers ?? 0,
                    size,
                    mine?.Version,
                    latest,
                    mine?.IsDownloaded ?? false,
                    mine?.IsInstalled ?? false,
                    withLatest,
                    entry is not null));
            }

            return games;
        }
    }

    private sealed class PeerRecord(PeerId id, string name, string address)
    {
        public PeerId Id { get; } = id;

        public string Name { get; set; } = name;

        public string Address { get; set; } = address;

        public Dictionary<string, GameSummary> Games { get; set; } = new(StringComparer.Ordinal);

        public Dictionary<string, GameDetails> Files { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, string> Skipped { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, PeerAvailability> Availability { get; } = new(StringComparer.Ordinal);

        public IReadOnlyList<string> Hashing { get; set; } = [];
    }
}
