using Xunit;

namespace LanSpread.Cli.Tests.Scale;

/// <summary>
/// A scale test: it measures CPU and time, so it must not share the machine with the rest of the
/// suite. tests/run.sh sets <c>LANSPREAD_SCALE_PASS=later</c> for the main run (these skip there) and
/// runs them afterwards alone, under the timing lock. Run by hand:
/// <c>flock /tmp/lanspread-timing.lock dotnet test tests/LanSpread.Cli.Tests -c Release --filter FullyQualifiedName~Scale</c>.
/// </summary>
public sealed class ScaleFactAttribute : FactAttribute
{
    public ScaleFactAttribute(bool needsRoot = true)
    {
        if (Environment.GetEnvironmentVariable("LANSPREAD_SCALE_PASS") == "later")
        {
            Skip = "scale tests run in their own pass after the suite (tests/run.sh), alone on the machine";
        }
        else if (needsRoot && (!OperatingSystem.IsLinux() || Environment.UserName != "root"))
        {
            Skip = "needs root on Linux (ip netns); CI runs as root";
        }
    }
}
