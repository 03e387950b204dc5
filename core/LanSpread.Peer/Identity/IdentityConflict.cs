using LanSpread.Core.Model;

namespace LanSpread.Peer.Identity;

/// <summary>A known name or address that now presents another id.</summary>
/// <param name="Previous">The id it belonged to.</param>
/// <param name="Reason">What matched, for the warning.</param>
public sealed record IdentityConflict(PeerId Previous, string Reason);
