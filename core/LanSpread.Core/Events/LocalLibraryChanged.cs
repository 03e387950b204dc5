using LanSpread.Core.Model;

namespace LanSpread.Core.Events;

/// <summary>A rescan changed the local library.</summary>
/// <param name="Games">The local games after the rescan.</param>
public sealed record LocalLibraryChanged(IReadOnlyList<LocalGame> Games) : PeerEvent
{
    /// <inheritdoc />
    [System.Text.Json.Serialization.JsonIgnore]
    public override bool IsLifecycle => false;
}
