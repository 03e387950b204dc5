using Xunit;

namespace LanSpread.Gui.Tests;

/// <summary>A browser test: needs Debian's chromium (tests/run.sh installs it); skipped with that reason otherwise.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (!File.Exists("/usr/bin/chromium"))
        {
            Skip = "needs /usr/bin/chromium (Debian package chromium; tests/run.sh installs it as root)";
        }
    }
}
