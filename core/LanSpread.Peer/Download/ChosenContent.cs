using LanSpread.Core.Model;
using LanSpread.Peer.Peers;

namespace LanSpread.Peer.Download;

/// <summary>What a GetGame settled on: the manifest most peers of the latest version agree on, those peers, and the verified <c>version.ini</c> bytes.</summary>
internal sealed record ChosenContent(GameManifest Manifest, IReadOnlyList<PeerClient> Peers, byte[]? Sentinel);
