using LanSpread.Core.Discovery;

namespace LanSpread.Peer.Tests.Runtime;

/// <summary>A discovery that starts at once and records whether its session was stopped (the goodbye).</summary>
internal sealed class RecordingDiscovery : IDiscovery, IDiscoverySession
{
    private int _stopped;

    public string Name => "recording";

    public bool Stopped => Volatile.Read(ref _stopped) == 1;

    public ValueTask<IDiscoverySession> StartAsync(DiscoveryAdvertisement self, IDiscoveryObserver observer, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IDiscoverySession>(this);

    public ValueTask UpdateAsync(DiscoveryAdvertisement self, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        Volatile.Write(ref _stopped, 1);
        return ValueTask.CompletedTask;
    }
}
