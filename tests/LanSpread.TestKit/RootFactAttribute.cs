using Xunit;

namespace LanSpread.TestKit;

/// <summary>A fact that needs root (mounts, network namespaces); skipped with the reason elsewhere. CI runs as root.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            Skip = "needs root on Linux (mount/ip netns); CI runs as root";
        }
    }
}
