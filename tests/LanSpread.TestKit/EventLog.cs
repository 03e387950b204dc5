using System.Collections.Concurrent;
using LanSpread.Core.Events;
using LanSpread.Peer.Runtime;

namespace LanSpread.TestKit;

/// <summary>Records every event a runtime publishes and lets a test wait for one.</summary>
public sealed class EventLog
{
    private readonly ConcurrentQueue<PeerEvent> _events = new();
    private readonly Lock _gate = new();
    private readonly List<(Func<PeerEvent, bool> Match, TaskCompletionSource<PeerEvent> Done)> _waiters = [];

    public EventLog(EventBus bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        bus.Published += OnPublished;
    }

    public IReadOnlyList<PeerEvent> All => [.. _events];

    public IReadOnlyList<T> OfType<T>() => _events.OfType<T>().ToList();

    public async Task<T> WaitAsync<T>(Func<T, bool>? match = null, TimeSpan? timeout = null) where T : PeerEvent
    {
        var done = new TaskCompletionSource<PeerEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool Matches(PeerEvent e) => e is T t && (match?.Invoke(t) ?? true);
        lock (_gate)
        {
            var existing = _events.FirstOrDefault(Matches);
            if (existing is not null)
            {
                return (T)existing;
            }

            _waiters.Add((Matches, done));
        }

        var limit = timeout ?? TimeSpan.FromSeconds(30);
        var finished = await Task.WhenAny(done.Task, Task.Delay(limit));
        if (finished != done.Task)
        {
            var seen = string.Join("\n  ", _events.TakeLast(30).Select(e => e.ToString()![..Math.Min(200, e.ToString()!.Length)]));
            throw new TimeoutException($"no {typeof(T).Name} within {limit.TotalSeconds:0}s; last events:\n  {seen}");
        }

        return (T)await done.Task;
    }

    /// <summary>Waits for the first event of any of the given types.</summary>
    public Task<PeerEvent> WaitAnyAsync(Func<PeerEvent, bool> match, TimeSpan? timeout = null) => WaitAsync<PeerEvent>(match, timeout);

    private void OnPublished(PeerEvent peerEvent)
    {
        lock (_gate)
        {
            _events.Enqueue(peerEvent);
            foreach (var waiter in _waiters.Where(w => w.Match(peerEvent)).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Done.TrySetResult(peerEvent);
            }
        }
    }
}
