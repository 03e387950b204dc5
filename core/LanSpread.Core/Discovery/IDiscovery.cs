namespace LanSpread.Core.Discovery;

/// <summary>
/// Finds other peers and makes this one findable. Implementations must run blocking or socket-loop
/// work on their own threads, never on the thread pool.
/// </summary>
public interface IDiscovery
{
    /// <summary>The short name (<c>mdns</c>, <c>static</c>). Defaults to the name in the export attribute, so a part states it once.</summary>
    string Name => Composition.ExportPluginAttribute.NameOf(this);

    /// <summary>Starts advertising <paramref name="self"/> and reporting peers to <paramref name="observer"/>.</summary>
    /// <param name="self">What to advertise.</param>
    /// <param name="observer">Receives found and gone peers; may be called from any thread.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running session; disposing it says goodbye and stops.</returns>
    ValueTask<IDiscoverySession> StartAsync(DiscoveryAdvertisement self, IDiscoveryObserver observer, CancellationToken cancellationToken);
}
