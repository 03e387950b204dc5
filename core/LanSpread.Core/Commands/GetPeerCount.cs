namespace LanSpread.Core.Commands;

/// <summary>Ask for a PeerCountChanged with the current count.</summary>
public sealed record GetPeerCount : PeerCommand;
