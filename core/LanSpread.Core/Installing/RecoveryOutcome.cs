namespace LanSpread.Core.Installing;

/// <summary>What start-up recovery did to a game root.</summary>
/// <param name="Action">One of: none, rolled-back, rolled-forward.</param>
/// <param name="Details">What was found and done, for the log.</param>
/// <param name="LeftAlone">Directories that looked like ours but could not be proven so; reported, not deleted.</param>
public sealed record RecoveryOutcome(string Action, string Details, IReadOnlyList<string> LeftAlone);
