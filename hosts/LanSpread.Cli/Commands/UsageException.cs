namespace LanSpread.Cli.Commands;

/// <summary>A usage error: the message names the fix; exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
