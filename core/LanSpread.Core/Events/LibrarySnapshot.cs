using LanSpread.Core.Model;

namespace LanSpread.Core.Events;

/// <summary>The merged library changed or was requested with ListGames.</summary>
/// <param name="Games">Every known title: local state plus what peers offer (latest version per title).</param>
public sealed record LibrarySnapshot(IReadOnlyList<Game> Games) : PeerEvent
{
    /// <inheritdoc />
    [System.Text.Json.Serialization.JsonIgnore]
    public override bool IsLifecycle => false;
}
