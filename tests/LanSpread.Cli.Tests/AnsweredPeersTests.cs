using System.Text.Json;
using LanSpread.TestKit;
using Xunit;

namespace LanSpread.Cli.Tests;

/// <summary>
/// Verbs that wait for peers stop waiting once every peer found has answered: <c>get</c> of a game no
/// peer offers exits 3 after the settle time, and <c>list --remote</c> returns; their timeouts are
/// maxima. Each runs with a timeout far beyond what the process is allowed (600 s against 120 s, which
/// is generous for a process start on a loaded machine), so waiting it out fails.
/// </summary>
public sealed class AnsweredPeersTests
{
    [Fact]
    public async Task Get_of_a_game_no_peer_offers_exits_3_after_the_settle_time_not_the_timeout()
    {
        using var temp = new TempDir();
        var games = temp.Sub("bravo");

        // Present on the peer but outside the catalog: not announced, so nobody offers it.
        GameFixture.Create(games, "homebrew", "1", new Dictionary<string, byte[]> { ["a.bin"] = [1, 2, 3] });
        var (bravo, port) = await ProcessPeers.ServeAsync(temp, "bravo", games);
        using var bravoProcess = bravo;

        using var get = await CliProcess.RunAsync(ProcessPeers.GetArgs(temp, "homebrew", temp.Sub("client"), [port], "--timeout", "600", "--settle", "2"), TimeSpan.FromSeconds(120));
        Assert.True(get.ExitCode == 3, $"exit {get.ExitCode}\n{get.Stderr}");
        var last = JsonDocument.Parse(get.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).RootElement;
        Assert.Equal("DownloadGameFilesFailed", last.GetProperty("event").GetString());
        var reason = last.GetProperty("reason").GetString()!;
        Assert.Contains("none of the 1 peer(s) found offers 'homebrew'", reason, StringComparison.Ordinal);
        Assert.Contains("catalog", reason, StringComparison.Ordinal);
        Assert.Contains($"lanspread: {reason}", get.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_remote_returns_once_the_peers_answered()
    {
        using var temp = new TempDir();
        var games = temp.Sub("bravo");
        GameFixture.Create(games, "bfbc2", "7", new Dictionary<string, byte[]> { ["a.bin"] = [1, 2, 3] });
        var (bravo, port) = await ProcessPeers.ServeAsync(temp, "bravo", games);
        using var bravoProcess = bravo;

        using var list = await CliProcess.RunAsync(
            ["list", "--remote", "--games", temp.Sub("client"), "--data", temp.Sub("client-data"), "--no-mdns", "--peer", $"127.0.0.1:{port}", "--timeout", "600"],
            TimeSpan.FromSeconds(120));
        Assert.True(list.ExitCode == 0, list.Stderr);
        var listing = JsonDocument.Parse(list.Stdout).RootElement;
        Assert.Equal("bravo", Assert.Single(listing.GetProperty("peers").EnumerateArray()).GetProperty("name").GetString());
        var bfbc2 = Assert.Single(listing.GetProperty("games").EnumerateArray());
        Assert.Equal("7", bfbc2.GetProperty("latestVersion").GetString());
        Assert.Equal(1, bfbc2.GetProperty("peersWithLatest").GetInt32());
    }
}
