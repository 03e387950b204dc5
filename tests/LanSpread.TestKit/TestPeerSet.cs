using LanSpread.Peer.Runtime;

namespace LanSpread.TestKit;

/// <summary>Several in-process peers sharing one temp directory; stops them all at the end.</summary>
public sealed class TestPeerSet : IAsyncDisposable
{
    private readonly List<TestPeer> _peers = [];
    private readonly HashSet<TestPeer> _stopped = [];

    public TempDir Temp { get; } = new();

    public Task<TestPeer> StartAsync(string name, params TestPeer[] peers) => StartAsync(name, null, null, peers);

    public async Task<TestPeer> StartAsync(string name, Action<PeerRuntimeOptions>? configure = null, string? games = null, TestPeer[]? peers = null)
    {
        var existing = Path.Combine(Temp.Path, $"{name}-games");
        var peer = await TestPeer.StartAsync(Temp, name, peers, configure, games ?? (Directory.Exists(existing) ? existing : null));
        lock (_peers)
        {
            _peers.Add(peer);
        }

        return peer;
    }

    public async Task StopAsync(TestPeer peer)
    {
        lock (_peers)
        {
            if (!_stopped.Add(peer))
            {
                return;
            }
        }

        await peer.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        List<TestPeer> peers;
        lock (_peers)
        {
            peers = [.. _peers];
        }

        foreach (var peer in peers)
        {
            await StopAsync(peer);
        }

        Temp.Dispose();
    }
}
