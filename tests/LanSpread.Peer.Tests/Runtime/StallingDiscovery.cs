using LanSpread.Core.Discovery;

namespace LanSpread.Peer.Tests.Runtime;

/// <summary>A discovery whose start waits until cancelled: a start-up step that runs after the server listens and can fail there.</summary>
internal sealed class StallingDiscovery : IDiscovery
{
    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Name => "stalling";

    public async ValueTask<IDiscoverySession> StartAsync(DiscoveryAdvertisement self, IDiscoveryObserver observer, CancellationToken cancellationToken)
    {
        Entered.TrySetResult();
        await Task.Delay(Timeout.Infinite, cancellationToken);
        throw new InvalidOperationException("unreachable");
    }
}
