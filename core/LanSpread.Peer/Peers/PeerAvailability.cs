namespace LanSpread.Peer.Peers;

/// <summary>
/// What one peer holds of one game version, as its last chunk map said (DESIGN F.2): a complete copy or
/// a partial one. Chunk i is the i-th chunk of the manifest in manifest order.
/// </summary>
/// <param name="Version">The version held.</param>
/// <param name="Digest">Its manifest digest.</param>
/// <param name="Complete">True for a complete copy.</param>
/// <param name="Held">For a partial copy, which chunks it holds (index = chunk index); empty for a complete one.</param>
/// <param name="Generation">The holder's generation when this was read (moves when it gains chunks).</param>
public sealed record PeerAvailability(string Version, string Digest, bool Complete, IReadOnlyList<bool> Held, long Generation)
{
    /// <summary>Whether chunk <paramref name="index"/> can be asked of this peer.</summary>
    public bool Has(int index) => Complete || (index >= 0 && index < Held.Count && Held[index]);

    /// <summary>Chunks held (for a complete copy, <paramref name="total"/>).</summary>
    public int CountHeld(int total) => Complete ? total : Held.Count(h => h);
}
