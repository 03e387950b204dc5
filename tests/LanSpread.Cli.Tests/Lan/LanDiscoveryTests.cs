using System.Text.Json;
using LanSpread.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace LanSpread.Cli.Tests.Lan;

/// <summary>
/// Real <c>lanspread serve</c> processes on network-namespace hosts joined by a bridge, finding each
/// other by real mDNS multicast: S1, S2, pruning of a killed peer, rediscovery after a restart.
/// </summary>
public sealed class LanDiscoveryTests(ITestOutputHelper output)
{
    private static bool IsDiscovery(string line, string peer) => line.Contains("\"PeerDiscovered\"", StringComparison.Ordinal) && line.Contains($"\"peer\":\"{peer}\"", StringComparison.Ordinal);

    [RootFact]
    public async Task Peers_find_each_other_list_remotely_prune_the_dead_and_rediscover_the_restarted()
    {
        using var temp = new TempDir();
        using var lan = new NetnsLan();
        lan.AddHost("alpha");
        lan.AddHost("bravo");
        lan.AddHost("client");
        var alphaGames = temp.Sub("alpha-games");
        GameFixture.Create(alphaGames, "bfbc2", "20100302", new Dictionary<string, byte[]> { ["bin/bc2.exe"] = GameFixture.Bytes(100_000, 1) });

        string[] Serve(string name, string games) => ["serve", "--games", games, "--data", temp.Sub($"{name}-data"), "--name", name, "--ping-interval", "1", "--set", "mdns.queryInterval=00:00:02"];
        var alpha = lan.Run("alpha", Serve("alpha", alphaGames));
        var bravoStart = DateTime.UtcNow;
        var bravo = lan.Run("bravo", Serve("bravo", temp.Sub("bravo-games")));

        // S1: both directions, counts become 1.
        var (_, alphaSawBravo) = await alpha.WaitForLineAsync(l => IsDiscovery(l, "bravo"), TimeSpan.FromSeconds(20));
        await bravo.WaitForLineAsync(l => IsDiscovery(l, "alpha"), TimeSpan.FromSeconds(20));
        await alpha.WaitForLineAsync(l => l.Contains("\"PeerCountChanged\",\"count\":1", StringComparison.Ordinal), TimeSpan.FromSeconds(5));
        await bravo.WaitForLineAsync(l => l.Contains("\"PeerCountChanged\",\"count\":1", StringComparison.Ordinal), TimeSpan.FromSeconds(5));
        var discovery = alphaSawBravo - bravoStart;
        output.WriteLine($"P5 discovery: bravo seen by alpha {discovery.TotalSeconds:0.00}s after bravo's process started (includes .NET start-up)");
        var address = JsonDocument.Parse((await alpha.WaitForLineAsync(l => IsDiscovery(l, "bravo"), TimeSpan.FromSeconds(1))).Line).RootElement.GetProperty("address").GetString();
        Assert.StartsWith(lan.Address("bravo"), address, StringComparison.Ordinal);

        // S2: a client lists the merged remote library.
        using var list = lan.Run("client", ["list", "--remote", "--games", temp.Sub("client-games"), "--data", temp.Sub("client-data"), "--timeout", "4"]);
        await list.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.True(list.ExitCode == 0, list.Stderr);
        var listing = JsonDocument.Parse(list.Stdout).RootElement;
        var bfbc2 = listing.GetProperty("games").EnumerateArray().Single(g => g.GetProperty("id").GetString() == "bfbc2");
        Assert.Equal("20100302", bfbc2.GetProperty("latestVersion").GetString());
        Assert.Equal("Battlefield: Bad Company 2", bfbc2.GetProperty("name").GetString());
        Assert.False(bfbc2.GetProperty("isDownloaded").GetBoolean());
        Assert.Equal(2, listing.GetProperty("peers").GetArrayLength());

        // A killed peer is pruned within a few ping intervals.
        var killedAt = DateTime.UtcNow;
        bravo.Kill();
        var (lostLine, lostAt) = await alpha.WaitForLineAsync(l => l.Contains("\"PeerLost\"", StringComparison.Ordinal) && l.Contains("bravo", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        var pruning = lostAt - killedAt;
        output.WriteLine($"P5 pruning: bravo pruned {pruning.TotalSeconds:0.00}s after SIGKILL (ping interval 1 s, 3 misses)");
        Assert.Contains("ping", JsonDocument.Parse(lostLine).RootElement.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.True(pruning < TimeSpan.FromSeconds(3 * 1 + 3), $"pruning took {pruning}");

        // A restarted peer (same identity) is seen again.
        using var bravoAgain = lan.Run("bravo", Serve("bravo", temp.Sub("bravo-games")));
        await alpha.WaitForLineAsync(l => IsDiscovery(l, "bravo"), TimeSpan.FromSeconds(20), skip: 1);

        // SIGTERM says goodbye over mDNS; alpha drops bravo without waiting for pings to fail.
        bravoAgain.Terminate();
        await bravoAgain.WaitForExitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(0, bravoAgain.ExitCode);
        await alpha.WaitForLineAsync(l => l.Contains("\"PeerLost\"", StringComparison.Ordinal) && l.Contains("bravo", StringComparison.Ordinal), TimeSpan.FromSeconds(10), skip: 1);
    }
}
