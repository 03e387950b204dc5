using System.Diagnostics;
using LanSpread.Core.Model;
using LanSpread.Peer.Peers;

namespace LanSpread.Peer.Download;

/// <summary>The scheduler's view of one peer: its client, requests in flight, observed rate and standing.</summary>
internal sealed class SchedulerPeer(PeerClient client, IReadOnlyCollection<int>? holds)
{
    // EWMA weight of one tick's sample (ticks are 200 ms: about a one-second memory).
    private const double Alpha = 0.2;
    private long _received;
    private long _sampledReceived;
    private long _busySince;
    private TimeSpan _busy;
    private long _depthSince = Stopwatch.GetTimestamp();
    private double _depthIntegral;
    private TimeSpan _emptyBeforeLast;
    private TimeSpan _emptyTotal;

    public PeerClient Client { get; set; } = client;

    public PeerId Id => Client.Id;

    public string Name => Client.Name;

    /// <summary>Chunk indexes it holds (null: all).</summary>
    public IReadOnlyCollection<int>? Holds { get; set; } = holds;

    public List<ChunkRequest> InFlight { get; } = [];

    /// <summary>In the plan and asked for work.</summary>
    public bool Active { get; set; } = true;

    /// <summary>Sent bad data: never used again in this download.</summary>
    public bool Banned { get; set; }

    public int ConsecutiveFailures { get; set; }

    public long RemovedAt { get; set; }

    public TimeSpan Backoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Bytes per second while it was sending (an EWMA over ticks in which bytes arrived; 0 until then).</summary>
    public double Rate { get; private set; }

    /// <summary>Verified bytes it served.</summary>
    public long Served { get; set; }

    private long _lastByte;

    public void Received(int bytes)
    {
        Interlocked.Add(ref _received, bytes);
        Interlocked.Exchange(ref _lastByte, Stopwatch.GetTimestamp());
    }

    /// <summary>How long nothing arrived from it while it had requests in flight (counted from the oldest one's start at most).</summary>
    public TimeSpan Silence()
    {
        if (InFlight.Count == 0)
        {
            return TimeSpan.Zero;
        }

        var since = Math.Max(Interlocked.Read(ref _lastByte), InFlight.Min(r => r.Started));
        return Stopwatch.GetElapsedTime(since);
    }

    /// <summary>Updates <see cref="Rate"/> from the bytes since the last tick; a tick without bytes keeps the rate it showed while sending, so a stopped peer is judged by it.</summary>
    public void Sample(TimeSpan sinceLast)
    {
        var now = Interlocked.Read(ref _received);
        var delta = now - _sampledReceived;
        _sampledReceived = now;
        if (delta <= 0 || sinceLast <= TimeSpan.Zero)
        {
            return;
        }

        var sample = delta / sinceLast.TotalSeconds;
        Rate = Rate <= 0 ? sample : Rate + (Alpha * (sample - Rate));
    }

    /// <summary>Chunks it completed (verified and won).</summary>
    public int Completed { get; set; }

    /// <summary>When it last completed a chunk (0: never).</summary>
    public long LastCompleted { get; private set; }

    /// <summary>Marks a completed chunk: the empty-pipe time so far counts as time it could have been sending.</summary>
    public void CompletedOne()
    {
        Completed++;
        LastCompleted = Stopwatch.GetTimestamp();
        _emptyBeforeLast = _emptyTotal + (InFlight.Count == 0 ? Stopwatch.GetElapsedTime(_depthSince) : TimeSpan.Zero);
    }

    /// <summary>Mean requests in flight since it joined, and how long its pipe was empty before its last completion.</summary>
    public (double MeanDepth, TimeSpan EmptyBeforeLast) PipeStats(long since)
    {
        var total = Stopwatch.GetElapsedTime(since).TotalSeconds;
        var integral = _depthIntegral + (InFlight.Count * Stopwatch.GetElapsedTime(_depthSince).TotalSeconds);
        return (total > 0 ? integral / total : 0, _emptyBeforeLast);
    }

    /// <summary>Keeps the time it had requests in flight, for its mean rate, and its pipe's depth over time.</summary>
    public void BusyChanged(int before)
    {
        var now = Stopwatch.GetTimestamp();
        var span = Stopwatch.GetElapsedTime(_depthSince, now);
        _depthIntegral += before * span.TotalSeconds;
        if (before == 0)
        {
            _emptyTotal += span;
        }

        _depthSince = now;

        if (InFlight.Count > 0 && _busySince == 0)
        {
            _busySince = Stopwatch.GetTimestamp();
        }
        else if (InFlight.Count == 0 && _busySince != 0)
        {
            _busy += Stopwatch.GetElapsedTime(_busySince);
            _busySince = 0;
        }
    }

    public double MeanRate()
    {
        var busy = _busy + (_busySince == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(_busySince));
        return busy > TimeSpan.Zero ? Served / busy.TotalSeconds : 0;
    }
}
