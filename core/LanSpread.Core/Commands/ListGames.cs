namespace LanSpread.Core.Commands;

/// <summary>Ask for a LibrarySnapshot.</summary>
public sealed record ListGames : PeerCommand;
