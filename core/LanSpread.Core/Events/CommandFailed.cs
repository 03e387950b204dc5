namespace LanSpread.Core.Events;

/// <summary>A command was refused or could not run.</summary>
/// <param name="Command">The command's name.</param>
/// <param name="Reason">Why, in words a user can act on.</param>
public sealed record CommandFailed(string Command, string Reason) : PeerEvent;
