namespace LanSpread.Core.Events;

/// <summary>
/// Progress of hashing a game's content into its manifest (files whose size or mtime changed, or never
/// hashed). The game is announced once its manifest is ready.
/// </summary>
/// <param name="Game">The game id.</param>
/// <param name="BytesHashed">Bytes hashed so far in this scan of the game.</param>
/// <param name="TotalBytes">Bytes this scan of the game has to hash.</param>
public sealed record ManifestProgress(string Game, long BytesHashed, long TotalBytes) : PeerEvent
{
    /// <inheritdoc />
    [System.Text.Json.Serialization.JsonIgnore]
    public override bool IsLifecycle => false;
}
