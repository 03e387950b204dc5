using System.Text.Json.Serialization;

namespace LanSpread.Core.Events;

/// <summary>
/// Something the peer runtime did. Hosts read these from the runtime handle; the CLI writes each as one
/// JSON line whose <c>event</c> field is the derived type's name.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "event")]
[JsonDerivedType(typeof(LibrarySnapshot), nameof(LibrarySnapshot))]
[JsonDerivedType(typeof(LocalLibraryChanged), nameof(LocalLibraryChanged))]
[JsonDerivedType(typeof(GotGameFiles), nameof(GotGameFiles))]
[JsonDerivedType(typeof(NoPeersHaveGame), nameof(NoPeersHaveGame))]
[JsonDerivedType(typeof(DownloadGameFilesBegin), nameof(DownloadGameFilesBegin))]
[JsonDerivedType(typeof(DownloadProgress), nameof(DownloadProgress))]
[JsonDerivedType(typeof(ChunkCompleted), nameof(ChunkCompleted))]
[JsonDerivedType(typeof(DownloadGameFilesFinished), nameof(DownloadGameFilesFinished))]
[JsonDerivedType(typeof(DownloadGameFilesFailed), nameof(DownloadGameFilesFailed))]
[JsonDerivedType(typeof(DownloadGameFilesCancelled), nameof(DownloadGameFilesCancelled))]
[JsonDerivedType(typeof(DownloadDiscarded), nameof(DownloadDiscarded))]
[JsonDerivedType(typeof(ChunkRejected), nameof(ChunkRejected))]
[JsonDerivedType(typeof(PeerBanned), nameof(PeerBanned))]
[JsonDerivedType(typeof(PeerSkipped), nameof(PeerSkipped))]
[JsonDerivedType(typeof(GameUpToDate), nameof(GameUpToDate))]
[JsonDerivedType(typeof(ManifestProgress), nameof(ManifestProgress))]
[JsonDerivedType(typeof(LibraryReady), nameof(LibraryReady))]
[JsonDerivedType(typeof(InstallGameBegin), nameof(InstallGameBegin))]
[JsonDerivedType(typeof(InstallProgress), nameof(InstallProgress))]
[JsonDerivedType(typeof(InstallGameFinished), nameof(InstallGameFinished))]
[JsonDerivedType(typeof(InstallGameFailed), nameof(InstallGameFailed))]
[JsonDerivedType(typeof(UninstallGameBegin), nameof(UninstallGameBegin))]
[JsonDerivedType(typeof(UninstallGameFinished), nameof(UninstallGameFinished))]
[JsonDerivedType(typeof(UninstallGameFailed), nameof(UninstallGameFailed))]
[JsonDerivedType(typeof(PeerDiscovered), nameof(PeerDiscovered))]
[JsonDerivedType(typeof(PeerLost), nameof(PeerLost))]
[JsonDerivedType(typeof(PeerCountChanged), nameof(PeerCountChanged))]
[JsonDerivedType(typeof(PeerIdentityChanged), nameof(PeerIdentityChanged))]
[JsonDerivedType(typeof(GameDirChanged), nameof(GameDirChanged))]
[JsonDerivedType(typeof(CommandFailed), nameof(CommandFailed))]
[JsonDerivedType(typeof(RuntimeFailed), nameof(RuntimeFailed))]
public abstract record PeerEvent
{
    /// <summary>
    /// Whether losing this event would leave a consumer with a wrong picture (lifecycle and membership
    /// events). The event bus never drops these; it may coalesce the others for a slow consumer.
    /// </summary>
    [JsonIgnore]
    public virtual bool IsLifecycle => true;
}
