using LanSpread.Core.Model;

namespace LanSpread.Core.Events;

/// <summary>A chunk from a peer failed verification against the manifest; it is fetched again elsewhere and never counted.</summary>
/// <param name="Game">The game id.</param>
/// <param name="File">The file's relative path.</param>
/// <param name="Offset">Offset of the chunk in the file.</param>
/// <param name="Length">Length of the chunk.</param>
/// <param name="Peer">Display name of the peer that sent it.</param>
/// <param name="PeerId">Id of that peer.</param>
/// <param name="Reason">What did not match.</param>
public sealed record ChunkRejected(string Game, string File, long Offset, long Length, string Peer, PeerId PeerId, string Reason) : PeerEvent;
