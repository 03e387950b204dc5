using LanSpread.TestKit;
using Xunit;

namespace LanSpread.Gui.Tests;

/// <summary>The GUI executable's command line, without a browser.</summary>
public sealed class HelpTests
{
    [Fact]
    public async Task Help_prints_usage_and_exits_without_binding_a_port()
    {
        using var temp = new TempDir();
        var data = Path.Combine(temp.Path, "data");
        using var gui = GuiProcess.Start(["--help", "--data", data, "--urls", $"http://127.0.0.1:{Ports.Free()}"]);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await gui.Process.WaitForExitAsync(deadline.Token);
        Assert.Equal(0, gui.Process.ExitCode);
        Assert.Contains("--games", gui.Output, StringComparison.Ordinal);
        Assert.Contains("--urls", gui.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("LanSpread GUI on", gui.Output, StringComparison.Ordinal);

        // No peer was started: it would have created its identity in the data directory.
        Assert.False(Directory.Exists(data));
    }

    [Fact]
    public async Task A_bad_option_is_a_usage_error_with_a_pointer_to_help()
    {
        using var gui = GuiProcess.Start(["--chunk-size", "lots", "--urls", $"http://127.0.0.1:{Ports.Free()}"]);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await gui.Process.WaitForExitAsync(deadline.Token);
        Assert.Equal(2, gui.Process.ExitCode);
        Assert.Contains("--chunk-size 'lots'", gui.Output, StringComparison.Ordinal);
        Assert.Contains("--help", gui.Output, StringComparison.Ordinal);
    }
}
