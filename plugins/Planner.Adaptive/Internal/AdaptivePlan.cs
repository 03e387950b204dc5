using System.Diagnostics;
using LanSpread.Core.Model;
using LanSpread.Core.Planning;

namespace LanSpread.Planner.Adaptive.Internal;

/// <summary>
/// The adaptive plan. A chunk is <i>wanted</i> while it is not done and no live (non-stalled) copy is in flight.
/// A peer asking for work gets, in order: the first wanted chunk of the streaming window it holds; else the rarest
/// wanted chunk it holds (order shuffled once: random tie-break); else, in the end-game, a duplicate of a chunk in
/// flight that a copy here would deliver clearly sooner. It gets nothing while snubbed or while its pipe is full (see
/// <see cref="Depth"/>).
/// </summary>
internal sealed class AdaptivePlan : IChunkPlan
{
    /// <summary>
    /// How much work, in seconds of a peer's own rate, its pipe holds at least: enough to hide a request's round trip
    /// and the loop's reaction on a loaded machine. More only commits the last chunks unevenly: with 1 s, two equal
    /// 400 Mbit/s peers on a loaded machine ended with pipes of 10 and 3 and a 0.3–0.7 s tail on one peer alone.
    /// </summary>
    private const double QueueSeconds = 0.25;

    private const int MinDepth = 2;

    /// <summary>A peer this much slower than the others stops taking new chunks near the end.</summary>
    private const double SlowPeerFactor = 3;
    private const int MaxDepth = 16;

    /// <summary>A duplicate goes only to a peer that would deliver the chunk this much sooner than its live copy.</summary>
    private const double DuplicateSpeedup = 1.5;

    private const int MaxLiveCopies = 2;

    private readonly IReadOnlyList<FileChunk> _chunks;
    private readonly int _baseDepth;
    private readonly double _meanChunk;
    private readonly Dictionary<PeerId, PeerState> _peers = [];
    private readonly int[] _order;
    private readonly int[] _position;
    private readonly bool[] _done;
    private readonly int[] _live;
    private readonly int[] _partialHolders;
    private readonly Lock _gate = new();
    private int _completePeers;
    private int _scanFrom;
    private int _windowFrom;
    private int _windowCount;

    public AdaptivePlan(ChunkPlanRequest request, Random random)
    {
        _chunks = request.Chunks;
        _baseDepth = Math.Clamp(request.RequestsPerPeer, 1, MaxDepth);
        _meanChunk = _chunks.Count == 0 ? 1 : Math.Max(1, _chunks.Average(c => (double)c.Length));
        _done = new bool[_chunks.Count];
        _live = new int[_chunks.Count];
        _partialHolders = new int[_chunks.Count];
        _order = Enumerable.Range(0, _chunks.Count).ToArray();
        random.Shuffle(_order);
        _position = new int[_chunks.Count];
        for (var k = 0; k < _order.Length; k++)
        {
            _position[_order[k]] = k;
        }

        foreach (var peer in request.Peers)
        {
            Join(peer);
        }
    }

    public bool TryTakeNext(PeerId peer, out PlannedChunk chunk)
    {
        lock (_gate)
        {
            chunk = default;
            if (!_peers.TryGetValue(peer, out var state) || state.InFlight.Count >= Depth(state))
            {
                return false;
            }

            var index = state.Snubbed ? OnlyHeldHere(state) : FromWindow(state);
            if (state.Snubbed && index < 0)
            {
                return false;
            }

            if (index < 0 && !TooSlowForWhatIsLeft(state))
            {
                index = Rarest(state);
            }

            if (index < 0)
            {
                index = EndGame(state);
            }

            if (index < 0)
            {
                return false;
            }

            var duplicate = _peers.Values.Any(p => p.InFlight.ContainsKey(index)); // end-game, or beside a stalled copy
            state.InFlight[index] = false;
            state.Issued[index] = Stopwatch.GetTimestamp();
            _live[index]++;
            chunk = new PlannedChunk(index, _chunks[index], duplicate);
            return true;
        }
    }

    public void ReportCompleted(PeerId peer, int index, long bytes, TimeSpan elapsed)
    {
        lock (_gate)
        {
            if (!Valid(index))
            {
                return;
            }

            if (_peers.TryGetValue(peer, out var state))
            {
                state.Learn(bytes, elapsed, Live(state));
                state.Snubbed = false;
                state.Failed.Remove(index);
            }

            _done[index] = true;
            _live[index] = 0;
            foreach (var other in _peers.Values)
            {
                other.InFlight.Remove(index); // the pipeline cancels the other copies
            }
        }
    }

    public void ReportFailed(PeerId peer, int index, Exception error)
    {
        lock (_gate)
        {
            if (Valid(index) && _peers.TryGetValue(peer, out var state))
            {
                state.Failed.Add(index);
                EndCopy(state, index);
            }
        }
    }

    public void ReportStalled(PeerId peer, int index, long bytesSoFar, TimeSpan elapsed)
    {
        lock (_gate)
        {
            if (!Valid(index) || !_peers.TryGetValue(peer, out var state) || !state.InFlight.TryGetValue(index, out var stalled) || stalled)
            {
                return;
            }

            state.InFlight[index] = true;
            state.Snubbed = true;
            Unlive(index);
        }
    }

    public void AddPeer(PlannerPeer peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        lock (_gate)
        {
            if (!_peers.ContainsKey(peer.PeerId))
            {
                Join(peer);
            }
        }
    }

    public void PeerGained(PeerId peer, IReadOnlyCollection<int> indexes)
    {
        ArgumentNullException.ThrowIfNull(indexes);
        lock (_gate)
        {
            if (!_peers.TryGetValue(peer, out var state) || state.Holds is null)
            {
                return;
            }

            foreach (var index in indexes.Where(Valid))
            {
                if (state.Holds.Add(index))
                {
                    _partialHolders[index]++;
                    Rewind(index);
                }
            }
        }
    }

    public void RemovePeer(PeerId peer)
    {
        lock (_gate)
        {
            if (!_peers.Remove(peer, out var state))
            {
                return;
            }

            foreach (var index in state.InFlight.Keys.ToList())
            {
                EndCopy(state, index);
            }

            if (state.Holds is null)
            {
                _completePeers--;
            }
            else
            {
                foreach (var index in state.Holds)
                {
                    _partialHolders[index]--;
                }
            }
        }
    }

    public void Prioritize(int fromIndex, int count)
    {
        lock (_gate)
        {
            _windowFrom = Math.Clamp(fromIndex, 0, _chunks.Count);
            _windowCount = Math.Clamp(count, 0, _chunks.Count - _windowFrom);
        }
    }

    private void Join(PlannerPeer peer)
    {
        var holds = peer.Holds is null ? null : new HashSet<int>(peer.Holds.Where(Valid));
        _peers[peer.PeerId] = new PeerState(holds);
        if (holds is null)
        {
            _completePeers++;
        }
        else
        {
            foreach (var index in holds)
            {
                _partialHolders[index]++;
            }
        }

        _scanFrom = 0; // it may hold what nobody else did
    }

    private bool Valid(int index) => (uint)index < (uint)_chunks.Count;

    private bool Wanted(int index) => !_done[index] && _live[index] == 0;

    private int Availability(int index) => _completePeers + _partialHolders[index];

    /// <summary>
    /// Requests the peer keeps in flight, in proportion to its speed: the configured depth scaled by its per-request
    /// rate over the fastest peer's, and at least what it sends in <see cref="QueueSeconds"/>; the configured depth
    /// before it is measured. Per-request rates, not peer rates: when the client's CPU is the limit every connection
    /// gets the same share, so a deeper pipe shows a higher peer rate, which would deepen it further.
    /// </summary>
    private int Depth(PeerState state)
    {
        if (state.Rate <= 0 || state.RequestRate <= 0)
        {
            // Half the configured depth until a request completed: a slow peer's first requests share its link, so
            // with a full pipe they all arrive at the very end (4 × 4 MiB at 40 Mbit/s: 3.4 s, a whole 200 MiB P9).
            return (_baseDepth + 1) / 2;
        }

        var fastest = _peers.Values.Max(p => p.RequestRate);
        var share = Math.Ceiling(_baseDepth * state.RequestRate / fastest);
        var queue = Math.Ceiling(state.Rate * QueueSeconds / _meanChunk);
        return Math.Clamp((int)Math.Max(share, queue), MinDepth, MaxDepth);
    }

    private bool Eligible(PeerState state, int index) =>
        state.Has(index) && !state.InFlight.ContainsKey(index) && (!state.Failed.Contains(index) || !HeldByAnotherWillingPeer(state, index));

    /// <summary>
    /// What a snubbed peer may still take, one request at a time: a wanted chunk no other peer that is not snubbed
    /// holds. Without it, a capped seeder whose stalled copy of the last chunks failed would be asked for nothing
    /// again while it is their only holder, and the download would end as "held by no peer still answering".
    /// </summary>
    private int OnlyHeldHere(PeerState state)
    {
        if (state.InFlight.ContainsValue(false))
        {
            return -1;
        }

        for (var k = _scanFrom; k < _order.Length; k++)
        {
            var index = _order[k];
            if (Wanted(index) && Eligible(state, index) && !_peers.Values.Any(p => !ReferenceEquals(p, state) && !p.Snubbed && p.Has(index)))
            {
                return index;
            }
        }

        return -1;
    }

    /// <summary>
    /// Whether another holder could take a chunk this peer failed: one not snubbed that has not failed it too. When
    /// every holder failed it once (busy partial peers refusing uploads), they all stay eligible, or none would be
    /// asked again and the download would end as "held by no peer still answering".
    /// </summary>
    private bool HeldByAnotherWillingPeer(PeerState state, int index) =>
        _peers.Values.Any(p => !ReferenceEquals(p, state) && !p.Snubbed && p.Has(index) && !p.Failed.Contains(index));

    private int FromWindow(PeerState state)
    {
        for (var index = _windowFrom; index < _windowFrom + _windowCount; index++)
        {
            if (Wanted(index) && Eligible(state, index))
            {
                return index;
            }
        }

        return -1;
    }

    /// <summary>The wanted chunk this peer holds that the fewest peers hold; the shuffled order breaks ties.</summary>
    private int Rarest(PeerState state)
    {
        var uniform = _peers.Values.All(p => p.Holds is null);
        var best = -1;
        var bestAvailability = int.MaxValue;
        var prefix = true;
        for (var k = _scanFrom; k < _order.Length; k++)
        {
            var index = _order[k];
            if (!Wanted(index))
            {
                if (prefix)
                {
                    _scanFrom = k + 1; // nothing before here is wanted (Rewind moves it back when that changes)
                }

                continue;
            }

            prefix = false;
            if (!Eligible(state, index))
            {
                continue;
            }

            var availability = Availability(index);
            if (availability < bestAvailability)
            {
                (best, bestAvailability) = (index, availability);
                if (uniform || availability <= 1)
                {
                    break;
                }
            }
        }

        return best;
    }

    /// <summary>
    /// Near the end a clearly slower peer takes nothing new when the faster peers would clear every wanted chunk
    /// before it could deliver one more: its copy would only be duplicated and cancelled. Not when it holds a
    /// wanted chunk none of the faster peers holds.
    /// </summary>
    private bool TooSlowForWhatIsLeft(PeerState state)
    {
        if (state.Rate <= 0)
        {
            return false;
        }

        var fasterPeers = _peers.Values.Where(p => !p.Snubbed && p.Rate > state.Rate * SlowPeerFactor).ToList();
        var faster = fasterPeers.Sum(p => p.Rate);
        if (faster <= 0)
        {
            return false;
        }

        // Chunks the faster peers clear in the time this one needs for one more chunk behind those it has.
        var threshold = faster * (state.InFlight.Count + 1) / state.Rate;
        var wanted = 0;
        for (var k = _scanFrom; k < _order.Length && wanted < threshold; k++)
        {
            var index = _order[k];
            if (!Wanted(index))
            {
                continue;
            }

            // The faster peers clear only what they hold: a chunk this peer holds and none of them does (a
            // capped seeder's, beside fast partial peers) is its to fetch, or the download waits on it forever.
            if (Eligible(state, index) && !fasterPeers.Any(p => p.Has(index)))
            {
                return false;
            }

            wanted++;
        }

        return wanted < threshold;
    }

    /// <summary>
    /// End-game: nothing wanted is left for this peer, so it duplicates the chunk whose live copy would take longest,
    /// if a copy here would deliver it <see cref="DuplicateSpeedup"/> times sooner. The copy's progress is estimated
    /// from its peer's per-request rate since it was handed out. This is what lets an idle equal peer take over a
    /// chunk from a peer whose deeper pipe still holds several, without racing a copy that is nearly there.
    /// </summary>
    private int EndGame(PeerState state)
    {
        // Only a peer with half its pipe free duplicates: a busier one would slow its own chunks to race another's.
        var live = Live(state);
        if (state.Rate <= 0 || live >= Depth(state) / 2)
        {
            return -1;
        }

        var now = Stopwatch.GetTimestamp();
        var best = -1;
        var longest = 0.0;
        foreach (var other in _peers.Values)
        {
            if (ReferenceEquals(other, state))
            {
                continue;
            }

            foreach (var (index, stalled) in other.InFlight)
            {
                if (stalled || _done[index] || _live[index] >= MaxLiveCopies || !Eligible(state, index))
                {
                    continue;
                }

                var length = (double)_chunks[index].Length;
                var here = length * (live + 1) / state.Rate; // it shares this peer's link with the others in flight
                var left = TimeLeft(index, length, now);
                if (here * DuplicateSpeedup <= left && left > longest)
                {
                    (best, longest) = (index, left);
                }
            }
        }

        return best;
    }

    /// <summary>The estimated seconds until the chunk's first live copy arrives (infinite if no live copy's peer is measured).</summary>
    private double TimeLeft(int index, double length, long now)
    {
        var left = double.PositiveInfinity;
        foreach (var peer in _peers.Values)
        {
            if (!peer.InFlight.TryGetValue(index, out var stalled) || stalled || peer.Rate <= 0)
            {
                continue;
            }

            // A request's own measured rate: the peer's rate over its pipe now overstates what a copy got while the
            // pipe was deeper, which declared slow copies nearly done (a 0.9 s tail on the 400 + 40 Mbit/s bench).
            var perRequest = peer.RequestRate > 0 ? peer.RequestRate : peer.Rate / Math.Max(1, Live(peer));
            var sent = Math.Min(length, perRequest * Stopwatch.GetElapsedTime(peer.Issued[index], now).TotalSeconds);
            left = Math.Min(left, (length - sent) / perRequest);
        }

        return left;
    }

    private static int Live(PeerState state) => state.InFlight.Count(f => !f.Value);

    private void EndCopy(PeerState state, int index)
    {
        if (state.InFlight.Remove(index, out var stalled) && !stalled)
        {
            Unlive(index);
        }
    }

    private void Unlive(int index)
    {
        _live[index] = Math.Max(0, _live[index] - 1);
        if (Wanted(index))
        {
            Rewind(index);
        }
    }

    private void Rewind(int index) => _scanFrom = Math.Min(_scanFrom, _position[index]);
}
