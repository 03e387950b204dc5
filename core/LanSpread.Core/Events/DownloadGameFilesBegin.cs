using LanSpread.Core.Model;

namespace LanSpread.Core.Events;

/// <summary>A transfer starts.</summary>
/// <param name="Game">The game id.</param>
/// <param name="Version">The version being downloaded.</param>
/// <param name="TotalBytes">Bytes of the whole version (progress counts up to it).</param>
/// <param name="Peers">The peers the plan uses.</param>
/// <param name="ReusedBytes">Bytes already here (verified chunks of a paused download, unchanged files, chunks found in the old version): not fetched.</param>
/// <param name="ManifestDigest">Digest of the manifest being fetched.</param>
public sealed record DownloadGameFilesBegin(string Game, string Version, long TotalBytes, IReadOnlyList<PeerRef> Peers, long ReusedBytes = 0, string? ManifestDigest = null) : PeerEvent;
