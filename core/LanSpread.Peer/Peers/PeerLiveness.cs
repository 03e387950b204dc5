using System.Collections.Concurrent;
using System.Diagnostics;
using LanSpread.Core.Model;

namespace LanSpread.Peer.Peers;

/// <summary>
/// When each connected peer last sent us a request. A request that passed the TLS handshake with the
/// peer's certificate proves the peer alive, so <see cref="PingService"/> need not ping it: in an idle
/// party one ping per pair and interval (whichever side's comes first) serves both ends.
/// </summary>
internal sealed class PeerLiveness
{
    private readonly ConcurrentDictionary<PeerId, long> _heard = new();
    private readonly ConcurrentDictionary<PeerId, byte> _suspects = new();

    public void Heard(PeerId peer) => _heard[peer] = Stopwatch.GetTimestamp();

    public TimeSpan? SinceHeard(PeerId peer) => _heard.TryGetValue(peer, out var at) ? Stopwatch.GetElapsedTime(at) : null;

    public void Forget(PeerId peer)
    {
        _heard.TryRemove(peer, out _);
        _suspects.TryRemove(peer, out _);
    }

    /// <summary>
    /// A request to the peer failed on its link (not on its data): it may be gone, so it is pinged at the next
    /// tick instead of after its quiet time (which a download's traffic had kept long).
    /// </summary>
    public void Suspect(PeerId peer) => _suspects[peer] = 0;

    /// <summary>Whether the peer was suspected since the last call (the ping that follows answers it).</summary>
    public bool TakeSuspicion(PeerId peer) => _suspects.TryRemove(peer, out _);
}
