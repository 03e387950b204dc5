using System.Text.Json.Serialization;

namespace LanSpread.Core.Commands;

/// <summary>
/// A request from a host to the peer runtime, sent through its handle. As JSON (the CLI's
/// <c>serve</c> reads them from stdin) the <c>command</c> field names the derived type.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "command")]
[JsonDerivedType(typeof(ListGames), nameof(ListGames))]
[JsonDerivedType(typeof(GetGame), nameof(GetGame))]
[JsonDerivedType(typeof(FetchLatestFromPeers), nameof(FetchLatestFromPeers))]
[JsonDerivedType(typeof(DownloadGameFiles), nameof(DownloadGameFiles))]
[JsonDerivedType(typeof(InstallGame), nameof(InstallGame))]
[JsonDerivedType(typeof(UninstallGame), nameof(UninstallGame))]
[JsonDerivedType(typeof(SetGameDir), nameof(SetGameDir))]
[JsonDerivedType(typeof(GetPeerCount), nameof(GetPeerCount))]
[JsonDerivedType(typeof(CancelDownload), nameof(CancelDownload))]
[JsonDerivedType(typeof(DiscardDownload), nameof(DiscardDownload))]
[JsonDerivedType(typeof(DownloadGame), nameof(DownloadGame))]
public abstract record PeerCommand;
