namespace LanSpread.Hosting;

/// <summary>A usage error: the message names the fix; exit code 2. The cause is kept for --log-level debug.</summary>
public sealed class UsageException(string message, Exception? inner = null) : Exception(message, inner);
