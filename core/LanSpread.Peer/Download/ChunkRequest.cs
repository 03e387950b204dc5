using System.Diagnostics;
using LanSpread.Core.Planning;

namespace LanSpread.Peer.Download;

/// <summary>
/// One request in flight: a chunk from one peer. The first copy of a chunk writes into the staged file
/// (<see cref="InPlace"/>); an extra copy (end-game or stall duplicate) writes to a side file and is copied in only
/// if it wins, after the in-place copy has stopped, so a losing copy can never overwrite verified bytes.
/// </summary>
internal sealed class ChunkRequest(SchedulerPeer peer, PlannedChunk planned, bool inPlace, string? sidePath, CancellationToken cancellationToken)
{
    private long _received;
    private long _lastProgress = Stopwatch.GetTimestamp();

    public SchedulerPeer Peer { get; } = peer;

    public int Index { get; } = planned.Index;

    public FileChunk Chunk { get; } = planned.Chunk;

    public bool InPlace { get; } = inPlace;

    /// <summary>Where an extra copy writes (null for the in-place copy).</summary>
    public string? SidePath { get; } = sidePath;

    public CancellationTokenSource Cancellation { get; } = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

    public long Started { get; } = Stopwatch.GetTimestamp();

    public long Received => Interlocked.Read(ref _received);

    public TimeSpan Idle => Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastProgress));

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(Started);

    /// <summary>The request's task; it never throws (the outcome is in <see cref="Error"/> and <see cref="Hash"/>).</summary>
    public Task Task { get; set; } = Task.CompletedTask;

    public string? Hash { get; set; }

    public Exception? Error { get; set; }

    /// <summary>Reported stalled to the plan already.</summary>
    public bool StallReported { get; set; }

    /// <summary>Cancelled because it got nothing for <see cref="StallPolicy.GiveUpAfter"/>.</summary>
    public bool GaveUp { get; set; }

    /// <summary>Cancelled because its peer was removed or another copy won: its end is not reported to the plan.</summary>
    public bool Dropped { get; set; }

    public void Progress(int bytes)
    {
        Interlocked.Add(ref _received, bytes);
        Interlocked.Exchange(ref _lastProgress, Stopwatch.GetTimestamp());
    }
}
