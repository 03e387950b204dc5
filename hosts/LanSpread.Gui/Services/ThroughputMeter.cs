using LanSpread.Core.Model;

namespace LanSpread.Gui.Services;

/// <summary>
/// Turns the runtime's <c>ChunkCompleted</c> events into rates: per game and serving peer (the chart's
/// history, the last <see cref="Window"/> ticks) and per peer across games (the Peers view's "rate with
/// us"). The GUI ticks it on a timer; a game's history is kept after its download ends, so the chart of
/// the last download stays readable until the next one starts. Thread-safe.
/// </summary>
public sealed class ThroughputMeter
{
    /// <summary>How many ticks the chart keeps.</summary>
    public const int Window = 120;

    /// <summary>The span a peer's current rate is averaged over (smooths chunk-sized bursts).</summary>
    public static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(2);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Dictionary<string, long>> _pendingByGame = new(StringComparer.Ordinal);
    private readonly Dictionary<PeerId, long> _pendingByPeer = [];
    private readonly Dictionary<string, List<ThroughputSample>> _history = new(StringComparer.Ordinal);
    private readonly HashSet<string> _active = new(StringComparer.Ordinal);
    private readonly Dictionary<PeerId, long> _totals = [];
    private readonly Queue<(DateTimeOffset At, Dictionary<PeerId, long> Bytes)> _recent = new();
    private DateTimeOffset _lastTick;

    public ThroughputMeter(DateTimeOffset now) => _lastTick = now;

    /// <summary>A download of <paramref name="game"/> starts: its chart starts afresh.</summary>
    public void Begin(string game)
    {
        lock (_gate)
        {
            _history[game] = [];
            _pendingByGame.Remove(game);
            _active.Add(game);
        }
    }

    /// <summary>The download ended: no more points are drawn for it.</summary>
    public void End(string game)
    {
        lock (_gate)
        {
            _active.Remove(game);
        }
    }

    public void Add(string game, PeerId peer, string peerName, long bytes)
    {
        lock (_gate)
        {
            if (!_pendingByGame.TryGetValue(game, out var byPeer))
            {
                _pendingByGame[game] = byPeer = new Dictionary<string, long>(StringComparer.Ordinal);
            }

            byPeer[peerName] = byPeer.GetValueOrDefault(peerName) + bytes;
            _pendingByPeer[peer] = _pendingByPeer.GetValueOrDefault(peer) + bytes;
            _totals[peer] = _totals.GetValueOrDefault(peer) + bytes;
        }
    }

    /// <summary>Closes the current tick; true when a chart or a rate changed (so the page should redraw).</summary>
    public bool Tick(DateTimeOffset now)
    {
        lock (_gate)
        {
            var seconds = Math.Max(0.001, (now - _lastTick).TotalSeconds);
            _lastTick = now;
            var changed = _recent.Count > 0 || _pendingByPeer.Count > 0;
            if (_pendingByPeer.Count > 0)
            {
                _recent.Enqueue((now, new Dictionary<PeerId, long>(_pendingByPeer)));
            }

            while (_recent.Count > 0 && _recent.Peek().At <= now - RateWindow)
            {
                _recent.Dequeue();
            }

            _pendingByPeer.Clear();
            foreach (var game in _active.Union(_pendingByGame.Keys, StringComparer.Ordinal).ToList())
            {
                var byPeer = _pendingByGame.GetValueOrDefault(game) ?? [];
                if (!_history.TryGetValue(game, out var samples))
                {
                    _history[game] = samples = [];
                }

                samples.Add(new ThroughputSample(now, byPeer.ToDictionary(kv => kv.Key, kv => kv.Value / seconds, StringComparer.Ordinal)));
                if (samples.Count > Window)
                {
                    samples.RemoveAt(0);
                }

                changed = true;
            }

            _pendingByGame.Clear();
            return changed;
        }
    }

    public IReadOnlyList<ThroughputSample> HistoryOf(string game)
    {
        lock (_gate)
        {
            return _history.TryGetValue(game, out var samples) ? samples.ToList() : [];
        }
    }

    /// <summary>Games with a chart to show, the running downloads first.</summary>
    public IReadOnlyList<string> Charted()
    {
        lock (_gate)
        {
            return _history.Where(kv => kv.Value.Count > 0).Select(kv => kv.Key)
                .OrderBy(g => _active.Contains(g) ? 0 : 1).ThenBy(g => g, StringComparer.Ordinal).ToList();
        }
    }

    public bool IsActive(string game)
    {
        lock (_gate)
        {
            return _active.Contains(game);
        }
    }

    /// <summary>Bytes this peer has sent us since the GUI started.</summary>
    public long TotalFrom(PeerId peer)
    {
        lock (_gate)
        {
            return _totals.GetValueOrDefault(peer);
        }
    }

    /// <summary>Bytes per second this peer sent us over the last <see cref="RateWindow"/>, across every download.</summary>
    public double RateOf(PeerId peer)
    {
        lock (_gate)
        {
            return _recent.Sum(tick => tick.Bytes.GetValueOrDefault(peer)) / RateWindow.TotalSeconds;
        }
    }
}
