namespace LanSpread.Cli.Output;

/// <summary>One line of <c>lanspread plugins --json</c>.</summary>
internal sealed record PluginRow(string Plugin, string Kind, string Name, string Version, int Priority, string Status, string? Reason, string Directory);
