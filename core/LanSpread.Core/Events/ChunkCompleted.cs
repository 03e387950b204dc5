using LanSpread.Core.Model;

namespace LanSpread.Core.Events;

/// <summary>One chunk was received and written at its offset.</summary>
/// <param name="Game">The game id.</param>
/// <param name="File">The file's relative path.</param>
/// <param name="Offset">Offset of the chunk in the file.</param>
/// <param name="Length">Length of the chunk.</param>
/// <param name="Peer">Display name of the serving peer.</param>
/// <param name="PeerId">Id of the serving peer.</param>
public sealed record ChunkCompleted(string Game, string File, long Offset, long Length, string Peer, PeerId PeerId) : PeerEvent;
