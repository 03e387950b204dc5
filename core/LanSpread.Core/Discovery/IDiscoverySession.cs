namespace LanSpread.Core.Discovery;

/// <summary>A running discovery; disposing it announces the departure (where the mechanism can) and stops.</summary>
public interface IDiscoverySession : IAsyncDisposable
{
    /// <summary>Announces a changed advertisement (for example after the port or name changed).</summary>
    /// <param name="self">The new advertisement.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    ValueTask UpdateAsync(DiscoveryAdvertisement self, CancellationToken cancellationToken);
}
