namespace LanSpread.Core.Commands;

/// <summary>A request from a host to the peer runtime, sent through its handle.</summary>
public abstract record PeerCommand;
