using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using LanSpread.Core.Events;
using Microsoft.Extensions.Logging;

namespace LanSpread.Peer.Runtime;

/// <summary>
/// Carries <see cref="PeerEvent"/>s from the runtime to one host consumer, in order.
/// Slow-consumer policy: publishing never blocks the runtime. Progress events
/// (<see cref="PeerEvent.IsLifecycle"/> false) are coalesced: while one for the same game and type is
/// still unread, a newer one replaces it, so they take at most one slot per game. Lifecycle events
/// are never dropped; past <see cref="SoftCapacity"/> unread events the bus logs a warning (once per
/// episode) instead of discarding, because a lost "Finished" or "PeerLost" would leave the host wrong.
/// </summary>
public sealed class EventBus
{
    public const int SoftCapacity = 10_000;

    private readonly Channel<Slot> _channel = Channel.CreateUnbounded<Slot>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<(Type, string), Slot> _pending = new();
    private readonly ILogger _logger;
    private int _unread;
    private int _warned;

    public EventBus(ILogger<EventBus> logger) => _logger = logger;

    /// <summary>Raised synchronously for every published event (for in-process observers such as tests and the GUI log).</summary>
    public event Action<PeerEvent>? Published;

    public void Publish(PeerEvent peerEvent)
    {
        ArgumentNullException.ThrowIfNull(peerEvent);
        Published?.Invoke(peerEvent);
        if (!peerEvent.IsLifecycle)
        {
            var key = (peerEvent.GetType(), KeyOf(peerEvent));
            while (true)
            {
                if (_pending.TryGetValue(key, out var existing))
                {
                    lock (existing)
                    {
                        if (!existing.Taken)
                        {
                            existing.Event = peerEvent;
                            return;
                        }
                    }

                    _pending.TryRemove(new KeyValuePair<(Type, string), Slot>(key, existing));
                    continue;
                }

                var slot = new Slot(peerEvent, key);
                if (_pending.TryAdd(key, slot))
                {
                    Enqueue(slot);
                    return;
                }
            }
        }

        Enqueue(new Slot(peerEvent, null));
    }

    public async ValueTask<PeerEvent> ReadAsync(CancellationToken cancellationToken)
    {
        var slot = await _channel.Reader.ReadAsync(cancellationToken);
        return Take(slot);
    }

    public bool TryRead(out PeerEvent? peerEvent)
    {
        if (_channel.Reader.TryRead(out var slot))
        {
            peerEvent = Take(slot);
            return true;
        }

        peerEvent = null;
        return false;
    }

    public async IAsyncEnumerable<PeerEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await _channel.Reader.WaitToReadAsync(cancellationToken))
        {
            while (_channel.Reader.TryRead(out var slot))
            {
                yield return Take(slot);
            }
        }
    }

    /// <summary>No more events will be published; readers finish after draining.</summary>
    public void Complete() => _channel.Writer.TryComplete();

    private static string KeyOf(PeerEvent peerEvent) => peerEvent switch
    {
        DownloadProgress p => p.Game,
        InstallProgress p => p.Game,
        _ => string.Empty,
    };

    private void Enqueue(Slot slot)
    {
        var unread = Interlocked.Increment(ref _unread);
        if (unread > SoftCapacity && Interlocked.Exchange(ref _warned, 1) == 0)
        {
            _logger.LogWarning("The event consumer is {Unread} events behind; lifecycle events are kept, progress is coalesced", unread);
        }

        _channel.Writer.TryWrite(slot);
    }

    private PeerEvent Take(Slot slot)
    {
        if (Interlocked.Decrement(ref _unread) < SoftCapacity / 2)
        {
            Volatile.Write(ref _warned, 0);
        }

        if (slot.Key is null)
        {
            return slot.Event;
        }

        lock (slot)
        {
            slot.Taken = true;
            _pending.TryRemove(new KeyValuePair<(Type, string), Slot>(slot.Key.Value, slot));
            return slot.Event;
        }
    }

    private sealed class Slot(PeerEvent peerEvent, (Type, string)? key)
    {
        public PeerEvent Event { get; set; } = peerEvent;

        /// <summary>Set for coalescable (progress) events: the game and type they stand for.</summary>
        public (Type, string)? Key { get; } = key;

        public bool Taken { get; set; }
    }
}
