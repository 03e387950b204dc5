namespace LanSpread.Peer.Installing;

/// <summary>
/// Test hook for crash tests: when the environment variable <c>LANSPREAD_CRASH_AT</c> names a step,
/// the process kills itself (no cleanup, like a power cut) when it reaches that step.
/// </summary>
internal static class CrashPoint
{
    private static readonly string? Target = Environment.GetEnvironmentVariable("LANSPREAD_CRASH_AT");

    public static void Hit(string step)
    {
        if (Target is not null && string.Equals(Target, step, StringComparison.Ordinal))
        {
            Console.Error.WriteLine($"LANSPREAD_CRASH_AT: killing the process at {step}");
            Console.Error.Flush();
            System.Diagnostics.Process.GetCurrentProcess().Kill();
            Thread.Sleep(Timeout.Infinite);
        }
    }
}
