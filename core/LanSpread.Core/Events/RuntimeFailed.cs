namespace LanSpread.Core.Events;

/// <summary>A long-running component failed.</summary>
/// <param name="Component">The component.</param>
/// <param name="Reason">What went wrong.</param>
public sealed record RuntimeFailed(string Component, string Reason) : PeerEvent;
