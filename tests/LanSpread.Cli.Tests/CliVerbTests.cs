using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using LanSpread.TestKit;
using Xunit;

namespace LanSpread.Cli.Tests;

/// <summary>The real <c>lanspread</c> executable: verbs, JSON output, exit codes, usage errors.</summary>
public sealed class CliVerbTests
{
    [Fact]
    public async Task Plugins_lists_the_five_plugins_with_status()
    {
        using var cli = await CliProcess.RunAsync(["plugins", "--json"]);
        Assert.Equal(0, cli.ExitCode);
        var parts = cli.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(5, parts.Count);
        Assert.Equal(["Discovery.Mdns", "Planner.RoundRobin", "Transport.Quic", "Transport.Tls", "Unpack.Rar"], parts.Select(p => p.GetProperty("plugin").GetString()).Order());
        var quic = parts.Single(p => p.GetProperty("name").GetString() == "quic");
        if (!System.Net.Quic.QuicListener.IsSupported)
        {
            Assert.Equal("NotSupported", quic.GetProperty("status").GetString());
            Assert.Contains("libmsquic", quic.GetProperty("reason").GetString(), StringComparison.Ordinal);
        }

        Assert.All(parts.Where(p => p.GetProperty("name").GetString() != "quic"), p => Assert.Equal("Active", p.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Manifest_prints_sha256sum_lines_sorted()
    {
        using var temp = new TempDir();
        Directory.CreateDirectory(Path.Combine(temp.Path, "b"));
        File.WriteAllText(Path.Combine(temp.Path, "b", "x.txt"), "hello\n");
        File.WriteAllText(Path.Combine(temp.Path, "a.txt"), "");
        using var cli = await CliProcess.RunAsync(["manifest", temp.Path]);
        Assert.Equal(0, cli.ExitCode);
        Assert.Equal(
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  a.txt\n5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03  b/x.txt\n",
            cli.Stdout);

        using var missing = await CliProcess.RunAsync(["manifest", Path.Combine(temp.Path, "nope")]);
        Assert.Equal(2, missing.ExitCode);
    }

    [Fact]
    public async Task List_prints_the_local_library_and_marks_games_outside_the_catalog()
    {
        using var temp = new TempDir();
        GameFixture.Create(temp.Path, "bfbc2", "5", new Dictionary<string, byte[]> { ["a"] = [1] });
        GameFixture.Create(temp.Path, "homebrew", "1", new Dictionary<string, byte[]> { ["a"] = [1] });
        using var cli = await CliProcess.RunAsync(["list", "--games", temp.Path]);
        Assert.Equal(0, cli.ExitCode);
        var games = JsonDocument.Parse(cli.Stdout).RootElement.GetProperty("games").EnumerateArray().ToDictionary(g => g.GetProperty("id").GetString()!);
        Assert.Equal("5", games["bfbc2"].GetProperty("version").GetString());
        Assert.True(games["bfbc2"].GetProperty("downloaded").GetBoolean());
        Assert.Equal("not in catalog", games["homebrew"].GetProperty("status").GetString());
    }

    public static TheoryData<string[], string> UsageErrors => new()
    {
        { ["get", "alienswarm"], "--games" },
        { ["serve", "--games", "/nonexistent/games"], "does not exist" },
        { ["serve", "--games", "/etc/hostname"], "is a file" },
        { ["serve", "--games", "/tmp", "--peer", "host:notaport"], "bad peer address" },
        { ["serve", "--games", "/tmp", "--peer", "no.such.host.invalid:1"], "does not resolve" },
        { ["serve", "--games", "/tmp", "--transport", "pigeon"], "available: tls" },
        { ["serve", "--games", "/tmp", "--planner", "psychic"], "available: round-robin" },
        { ["serve", "--games", "/tmp", "--listen", "not-an-endpoint"], "ADDR:PORT" },
        { ["serve", "--games", "/tmp", "--chunk-size", "-4M"], "positive size" },
        { ["frobnicate"], "frobnicate" },
    };

    [Theory]
    [MemberData(nameof(UsageErrors))]
    public async Task Usage_errors_exit_2_and_name_the_fix(string[] args, string message)
    {
        using var temp = new TempDir();
        using var cli = await CliProcess.RunAsync([.. args, "--data", temp.Path]);
        Assert.Equal(2, cli.ExitCode);
        Assert.Contains(message, cli.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_port_in_use_is_a_usage_error_that_names_the_option()
    {
        using var temp = new TempDir();
        using var blocker = new TcpListener(IPAddress.Loopback, 0);
        blocker.Start();
        var port = ((IPEndPoint)blocker.LocalEndpoint).Port;
        using var cli = await CliProcess.RunAsync(["serve", "--games", temp.Sub("g"), "--data", temp.Sub("d"), "--listen", $"127.0.0.1:{port}", "--no-mdns"]);
        Assert.Equal(2, cli.ExitCode);
        Assert.Contains("is in use", cli.Stderr, StringComparison.Ordinal);
        Assert.Contains("--listen", cli.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_runs_alone_and_verifies_the_installed_game()
    {
        using var temp = new TempDir();
        using var cli = await CliProcess.RunAsync(["demo", "--dir", temp.Path, "--size", "8M"], TimeSpan.FromMinutes(2));
        Assert.Equal(0, cli.ExitCode);
        Assert.Contains("Verified", cli.Stderr, StringComparison.Ordinal);
        var events = cli.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("event").GetString()).ToList();
        Assert.Contains("DownloadGameFilesFinished", events);
        Assert.Contains("InstallGameFinished", events);
        Assert.True(File.Exists(Path.Combine(temp.Path, "client", "games", "openttd", "local", "game.exe")));
    }
}
