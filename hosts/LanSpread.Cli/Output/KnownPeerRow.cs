namespace LanSpread.Cli.Output;

/// <summary>One line of <c>lanspread peers --json</c>.</summary>
internal sealed record KnownPeerRow(string Id, IReadOnlyList<string> Names, IReadOnlyList<string> Addresses, DateTimeOffset FirstSeen, DateTimeOffset LastSeen, bool Trusted);
