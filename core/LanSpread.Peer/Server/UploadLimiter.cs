using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using LanSpread.Core.Model;

namespace LanSpread.Peer.Server;

/// <summary>
/// Upload limits (DESIGN F.2): a global token bucket over the bytes every transfer writes
/// (<see cref="Runtime.PeerRuntimeOptions.MaxUploadRate"/>) and a cap on the transfers one client peer
/// runs at once (<see cref="Runtime.PeerRuntimeOptions.MaxUploadsPerPeer"/>). Fairness comes from the
/// bucket's queue: writes are small (<see cref="WriteSize"/>) and served oldest first, so every transfer
/// waiting gets its turn in order and clients with the same number of transfers get the same share;
/// the per-peer cap keeps one client from taking more turns by opening more streams.
/// </summary>
internal sealed class UploadLimiter : IDisposable
{
    /// <summary>Bytes per token: the bucket counts KiB so 64-bit rates fit its 32-bit permits.</summary>
    private const int TokenBytes = 1024;

    /// <summary>Bytes per rate-limited write: small enough that turns interleave finely between clients.</summary>
    private const int LimitedWriteSize = 64 * 1024;

    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(10);

    private readonly TokenBucketRateLimiter? _bucket;
    private readonly int _perPeer;
    private readonly ConcurrentDictionary<PeerId, SemaphoreSlim> _slots = new();

    public UploadLimiter(long? bytesPerSecond, int maxUploadsPerPeer)
    {
        _perPeer = Math.Max(1, maxUploadsPerPeer);
        if (bytesPerSecond is > 0 and var rate)
        {
            // Tokens per 10 ms period. The bucket adds tokens for the time elapsed when its timer fires, but
            // never beyond its limit, so a timer late under CPU load loses what exceeds it: a limit of a
            // quarter second (at least 1 MiB) rides out late timers, and a burst that size is small
            // against the seconds a transfer takes.
            var perPeriod = (int)Math.Clamp(rate / TokenBytes * Period.Ticks / TimeSpan.TicksPerSecond, 1, int.MaxValue / 32);
            var burst = (int)Math.Max(1024L * 1024 / TokenBytes, Math.Min(int.MaxValue / 2, rate / TokenBytes / 4));
            _bucket = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = burst,
                TokensPerPeriod = perPeriod,
                ReplenishmentPeriod = Period,
                AutoReplenishment = true,
                QueueLimit = int.MaxValue,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            });
            RateBytesPerSecond = rate;
        }
    }

    /// <summary>The global limit in bytes per second, or null (unlimited).</summary>
    public long? RateBytesPerSecond { get; }

    /// <summary>The largest write a transfer should make between acquisitions.</summary>
    public int WriteSize => _bucket is null ? int.MaxValue : LimitedWriteSize;

    /// <summary>Waits for one of the client's upload slots; dispose the result to free it.</summary>
    public async Task<IDisposable> EnterAsync(PeerId client, CancellationToken cancellationToken)
    {
        var slots = _slots.GetOrAdd(client, _ => new SemaphoreSlim(_perPeer, _perPeer));
        await slots.WaitAsync(cancellationToken);
        return new Slot(slots);
    }

    /// <summary>Waits until <paramref name="bytes"/> may be sent (at once when unlimited).</summary>
    public async ValueTask AcquireAsync(int bytes, CancellationToken cancellationToken)
    {
        if (_bucket is null)
        {
            return;
        }

        var tokens = Math.Max(1, (bytes + TokenBytes - 1) / TokenBytes);
        using var lease = await _bucket.AcquireAsync(tokens, cancellationToken);
        if (!lease.IsAcquired)
        {
            throw new IOException("upload limiter refused a write");
        }
    }

    public void Dispose() => _bucket?.Dispose();

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}
