using LanSpread.Core.Model;

namespace LanSpread.Core.Events;

/// <summary>Every file arrived and the version sentinel was committed.</summary>
/// <param name="Game">The game id.</param>
/// <param name="Version">The committed version.</param>
/// <param name="BytesByPeer">Bytes served by each peer.</param>
/// <param name="Seconds">Duration of the transfer.</param>
public sealed record DownloadGameFilesFinished(string Game, string Version, IReadOnlyList<PeerBytes> BytesByPeer, double Seconds) : PeerEvent;
