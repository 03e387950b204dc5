namespace LanSpread.Core.Model;

/// <summary>What a peer announces about one of its downloaded games.</summary>
/// <param name="Id">The game id.</param>
/// <param name="Version">The version of the peer's copy.</param>
/// <param name="Size">Total size in bytes of the files the peer serves for it.</param>
public sealed record GameSummary(string Id, string Version, long Size);
