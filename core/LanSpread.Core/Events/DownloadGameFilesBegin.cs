using LanSpread.Core.Model;

namespace LanSpread.Core.Events;

/// <summary>A transfer starts.</summary>
/// <param name="Game">The game id.</param>
/// <param name="Version">The version being downloaded.</param>
/// <param name="TotalBytes">Bytes to transfer.</param>
/// <param name="Peers">The peers the plan uses.</param>
public sealed record DownloadGameFilesBegin(string Game, string Version, long TotalBytes, IReadOnlyList<PeerRef> Peers) : PeerEvent;
