using System.Net;

namespace LanSpread.Core.Transport;

/// <summary>A bound listener that yields the streams peers open towards this peer.</summary>
public interface ITransportListener : IAsyncDisposable
{
    /// <summary>The bound address (with the real port when 0 was asked for).</summary>
    IPEndPoint LocalEndPoint { get; }

    /// <summary>Waits for the next inbound request stream; null once the listener is closed.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    ValueTask<IPeerStream?> AcceptStreamAsync(CancellationToken cancellationToken);
}
