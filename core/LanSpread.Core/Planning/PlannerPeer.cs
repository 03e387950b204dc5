using LanSpread.Core.Model;

namespace LanSpread.Core.Planning;

/// <summary>A peer a plan can use.</summary>
/// <param name="PeerId">Its id.</param>
/// <param name="Name">Its display name.</param>
public sealed record PlannerPeer(PeerId PeerId, string Name);
