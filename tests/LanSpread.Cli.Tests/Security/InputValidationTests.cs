using System.Diagnostics;
using System.Text.Json;
using LanSpread.TestKit;
using Xunit;

namespace LanSpread.Cli.Tests.Security;

/// <summary>Hostile or mistaken input at the command line: refused at once with a clear message.</summary>
public sealed class InputValidationTests
{
    [Theory]
    [InlineData("../x")]
    [InlineData("/abs/x")]
    [InlineData("a/b")]
    [InlineData("..")]
    public async Task Get_with_an_id_that_is_not_a_game_id_exits_2_at_once_and_touches_nothing(string id)
    {
        using var temp = new TempDir();
        var games = temp.Sub("games");
        var started = Stopwatch.StartNew();
        using var get = await CliProcess.RunAsync(["get", id, "--games", games, "--data", temp.Sub("data"), "--no-mdns", "--timeout", "60"], TimeSpan.FromSeconds(30));
        Assert.Equal(2, get.ExitCode);
        Assert.Contains($"'{id}' is not a game id", get.Stderr, StringComparison.Ordinal);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(15), $"took {started.Elapsed.TotalSeconds:0}s: it waited for peers instead of refusing");
        Assert.Empty(Directory.EnumerateFileSystemEntries(games));
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Sub("data"))); // not even an identity: refused before start
    }

    [Fact]
    public async Task A_relative_plugins_directory_is_resolved_against_the_working_directory()
    {
        using var temp = new TempDir();
        var source = Path.Combine(Path.GetDirectoryName(Repo.CliDll)!, "plugins", "Planner.RoundRobin");
        var target = Path.Combine(temp.Path, "mine", "Planner.RoundRobin");
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = temp.Path, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Repo.CliDll, "plugins", "--json", "--plugins", "mine" })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
        var mine = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("directory").GetString()!.StartsWith(Path.Combine(temp.Path, "mine"), StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(mine);
        Assert.All(mine, e => Assert.Equal("Active", e.GetProperty("status").GetString()));
    }
}
