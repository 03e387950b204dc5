using Xunit;

namespace LanSpread.Cli.Tests.Scale;

/// <summary>
/// A scale or timing-ratio test (also the adaptive planner's process tests): it measures CPU and time, so it must not share the machine with the rest of the
/// suite. tests/run.sh sets <c>LANSPREAD_SCALE_PASS=later</c> for the main run (these skip there) and
/// runs them afterwards alone, under the timing lock. Run by hand:
/// <c>flock /tmp/lanspread-timing.lock dotnet test tests/LanSpread.Cli.Tests -c Release --filter FullyQualifiedName~Scale</c>.
/// </summary>
public sealed class ScaleFactAttribute : FactAttribute
{
    /// <param name="needsRoot">Whether the test builds network namespaces.</param>
    /// <param name="optIn">
    /// Runs only when <c>LANSPREAD_SCALE_SIZES</c> is set: for a test whose bar the product does not meet
    /// yet (issue 21's 32-peer party), so CI reports it skipped with the reason instead of hiding a failure.
    /// </param>
    public ScaleFactAttribute(bool needsRoot = true, bool optIn = false)
    {
        if (optIn && Environment.GetEnvironmentVariable("LANSPREAD_SCALE_SIZES") is null)
        {
            Skip = "opt-in (LANSPREAD_SCALE_SIZES=8,16,32): the 32-peer party does not meet its bars yet (issue 21 is open; figures in docs/BENCHMARKS.md)";
        }
        else if (Environment.GetEnvironmentVariable("LANSPREAD_SCALE_PASS") == "later")
        {
            Skip = "scale tests run in their own pass after the suite (tests/run.sh), alone on the machine";
        }
        else if (needsRoot && (!OperatingSystem.IsLinux() || Environment.UserName != "root"))
        {
            Skip = "needs root on Linux (ip netns); CI runs as root";
        }
    }
}
