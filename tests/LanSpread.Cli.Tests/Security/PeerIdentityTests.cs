using System.Text.Json;
using LanSpread.Peer.Identity;
using LanSpread.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace LanSpread.Cli.Tests.Security;

/// <summary>
/// A peer restarted at a known address with a new certificate: the client remembers the old id across
/// its own restarts, warns with a PeerIdentityChanged event, and with --trust-peer does not use it.
/// </summary>
public sealed class PeerIdentityTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_restarted_peer_with_a_new_certificate_raises_a_warning_and_is_not_used_when_not_trusted()
    {
        using var temp = new TempDir();
        var seed = temp.Sub("seed");
        var content = new Dictionary<string, byte[]> { ["a.bin"] = GameFixture.Bytes(50_000, 3) };
        GameFixture.Create(seed, "cs16", "1", content);
        var port = 0; // the first start binds port 0; the impostor then takes the same address on purpose
        var clientData = temp.Sub("client-data");
        string[] Get(string games, string data, params string[] extra) =>
            ["get", "cs16", "--games", temp.Sub(games), "--data", data, "--name", "client", "--listen", "127.0.0.1:0", "--no-mdns", "--json", "--no-install", "--peer", $"127.0.0.1:{port}", .. extra];

        // First meeting: the client downloads from "alpha" and remembers it.
        var firstId = PeerIdentity.LoadOrCreate(temp.Sub("alpha-data-1")).PeerId;
        using (var alpha = await StartAlphaAsync(seed, temp.Sub("alpha-data-1"), port))
        {
            port = await alpha.WaitForListenPortAsync(TimeSpan.FromSeconds(60));
            using var get = await CliProcess.RunAsync(Get("games-1", clientData, "--timeout", "30"));
            Assert.True(get.ExitCode == 0, get.Stderr);
            Assert.DoesNotContain("PeerIdentityChanged", get.Stdout, StringComparison.Ordinal);
            alpha.Terminate();
            await alpha.WaitForExitAsync(TimeSpan.FromSeconds(15));
        }

        var known = Assert.Single(KnownPeers.ReadFile(clientData, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance));
        Assert.Equal(firstId, known.Id);
        Assert.Contains($"127.0.0.1:{port}", known.Addresses);

        // The same name at the same address, with a new certificate (a reinstall, or an impostor).
        var secondData = temp.Sub("alpha-data-2");
        var secondId = PeerIdentity.LoadOrCreate(secondData).PeerId;
        Assert.NotEqual(firstId, secondId);
        CopyTree(clientData, temp.Sub("client-data-trusting"));
        using var impostor = await StartAlphaAsync(seed, secondData, port);

        // Only the first id is trusted: a loud warning, the peer is not used, nothing is downloaded. The
        // timeout (the expected end, exit 4) leaves room for a slow start to meet the peer first.
        using (var trusting = await CliProcess.RunAsync(Get("games-2", temp.Sub("client-data-trusting"), "--timeout", "10", "--trust-peer", firstId.Value)))
        {
            output.WriteLine(trusting.Stderr);
            Assert.Equal(4, trusting.ExitCode);
            var warning = Events(trusting.Stdout).Single(e => e.GetProperty("event").GetString() == "PeerIdentityChanged");
            Assert.Equal(secondId.Value, warning.GetProperty("peerId").GetString());
            Assert.Equal(firstId.Value, warning.GetProperty("previousPeerId").GetString());
            Assert.False(warning.GetProperty("trusted").GetBoolean());
            Assert.Contains($"address 127.0.0.1:{port}", warning.GetProperty("reason").GetString(), StringComparison.Ordinal);
            Assert.Contains("PEER IDENTITY CHANGED", trusting.Stderr, StringComparison.Ordinal);
            Assert.Contains("not in the trusted peers", trusting.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain(Events(trusting.Stdout), e => e.GetProperty("event").GetString() is "GotGameFiles" or "DownloadGameFilesBegin");
            Assert.False(File.Exists(Path.Combine(temp.Path, "games-2", "cs16", "version.ini")));
        }

        // Without a trust list the change is still reported, once, and the peer is used.
        using (var open = await CliProcess.RunAsync(Get("games-3", clientData, "--timeout", "30")))
        {
            Assert.True(open.ExitCode == 0, open.Stderr);
            var warning = Events(open.Stdout).Single(e => e.GetProperty("event").GetString() == "PeerIdentityChanged");
            Assert.Equal(secondId.Value, warning.GetProperty("peerId").GetString());
        }

        using (var again = await CliProcess.RunAsync(Get("games-4", clientData, "--timeout", "30")))
        {
            Assert.True(again.ExitCode == 0, again.Stderr);
            Assert.DoesNotContain("PeerIdentityChanged", again.Stdout, StringComparison.Ordinal);
        }

        // 'lanspread peers' lists both ids; the address now belongs to the second.
        using var peers = await CliProcess.RunAsync(["peers", "--data", clientData, "--json"]);
        Assert.Equal(0, peers.ExitCode);
        var rows = Events(peers.Stdout).ToDictionary(e => e.GetProperty("id").GetString()!);
        Assert.Equal(2, rows.Count);
        Assert.Contains($"127.0.0.1:{port}", rows[secondId.Value].GetProperty("addresses").EnumerateArray().Select(a => a.GetString()));
        Assert.DoesNotContain($"127.0.0.1:{port}", rows[firstId.Value].GetProperty("addresses").EnumerateArray().Select(a => a.GetString()));
        impostor.Terminate();
        await impostor.WaitForExitAsync(TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task A_malformed_trust_peer_is_a_usage_error()
    {
        using var temp = new TempDir();
        using var get = await CliProcess.RunAsync(["get", "cs16", "--games", temp.Sub("games"), "--data", temp.Sub("data"), "--no-mdns", "--trust-peer", "not-an-id"], TimeSpan.FromSeconds(30));
        Assert.Equal(2, get.ExitCode);
        Assert.Contains("--trust-peer 'not-an-id' is not a peer id", get.Stderr, StringComparison.Ordinal);
    }

    private static async Task<CliProcess> StartAlphaAsync(string games, string data, int port)
    {
        var cli = CliProcess.Start(["serve", "--games", games, "--data", data, "--name", "alpha", "--listen", $"127.0.0.1:{port}", "--no-mdns"]);
        await cli.WaitForStderrAsync("serving", TimeSpan.FromSeconds(30));
        return cli;
    }

    private static IEnumerable<JsonElement> Events(string stdout) =>
        stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
        }
    }
}
