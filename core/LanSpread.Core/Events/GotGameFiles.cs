using LanSpread.Core.Model;

namespace LanSpread.Core.Events;

/// <summary>The file list for a GetGame or FetchLatestFromPeers arrived.</summary>
/// <param name="Game">The game id.</param>
/// <param name="Version">The latest version offered.</param>
/// <param name="Files">The merged file list of that version.</param>
/// <param name="Peers">The peers offering that version with the chosen manifest.</param>
/// <param name="ManifestDigest">The digest of the manifest most of them agree on (null from peers without manifests).</param>
public sealed record GotGameFiles(string Game, string Version, IReadOnlyList<GameFileDescription> Files, IReadOnlyList<PeerRef> Peers, string? ManifestDigest = null) : PeerEvent;
