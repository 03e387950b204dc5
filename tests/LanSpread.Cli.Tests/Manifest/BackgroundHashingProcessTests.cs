using System.Text.Json;
using LanSpread.TestKit;
using Xunit;

namespace LanSpread.Cli.Tests.Manifest;

/// <summary>
/// A real <c>lanspread serve</c> whose library is hashed in the background (slowed by the
/// <c>LANSPREAD_TEST_HASH_RATE</c> test hook): it listens and answers <c>list --remote</c> while hashing,
/// offers the game only once its manifest is ready, reports progress as JSONL, and stops promptly on
/// SIGTERM mid-hash with an index the next start builds on.
/// </summary>
public sealed class BackgroundHashingProcessTests
{
    private const string Game = "bfbc2";

    /// <summary>About 8 MiB of content: 8 s or more at the 1 MiB/s the tests hash at.</summary>
    private static string Seed(TempDir temp) =>
        GameFixture.Create(temp.Sub("bravo"), Game, "7", new Dictionary<string, byte[]> { ["a.bin"] = [1, 2, 3] },
            Enumerable.Range(0, 4).ToDictionary(i => $"data/pak{i}.bin", i => GameFixture.Bytes(2 * 1024 * 1024, 30 + i)));

    private static CliProcess Serve(TempDir temp, int port, long? hashRate) =>
        CliProcess.Start(
            ["serve", "--games", temp.Sub("bravo"), "--data", temp.Sub("bravo-data"), "--name", "bravo", "--listen", $"127.0.0.1:{port}", "--no-mdns", "--ping-interval", "1"],
            hashRate is { } rate ? new Dictionary<string, string> { ["LANSPREAD_TEST_HASH_RATE"] = rate.ToString(System.Globalization.CultureInfo.InvariantCulture) } : null);

    private static async Task<JsonElement> ListRemoteAsync(TempDir temp, int port)
    {
        using var list = await CliProcess.RunAsync(
            ["list", "--remote", "--games", temp.Sub("client"), "--data", temp.Sub("client-data"), "--no-mdns", "--peer", $"127.0.0.1:{port}", "--timeout", "60"],
            TimeSpan.FromSeconds(90));
        Assert.True(list.ExitCode == 0, list.Stderr);
        return JsonDocument.Parse(list.Stdout).RootElement.Clone();
    }

    private static int Offers(JsonElement listing) =>
        listing.GetProperty("games").EnumerateArray().Where(g => g.GetProperty("id").GetString() == Game).Select(g => g.GetProperty("peersWithLatest").GetInt32()).FirstOrDefault();

    private static bool IsEvent(string line, string name) => line.Contains($"\"event\":\"{name}\"", StringComparison.Ordinal);

    [Fact]
    public async Task A_serving_process_answers_while_hashing_and_offers_the_game_once_its_manifest_is_ready()
    {
        using var temp = new TempDir();
        Seed(temp);
        var port = Ports.Free();
        using var bravo = Serve(temp, port, hashRate: 1024 * 1024);
        await bravo.WaitForStderrAsync("serving", TimeSpan.FromSeconds(60));

        var early = await ListRemoteAsync(temp, port);
        var hashedBeforeListAnswered = bravo.Stdout.Split('\n').Any(l => IsEvent(l, "LibraryReady"));
        Assert.Equal("bravo", Assert.Single(early.GetProperty("peers").EnumerateArray()).GetProperty("name").GetString());
        Assert.Equal(0, Offers(early));
        Assert.False(hashedBeforeListAnswered, "the library was hashed before list --remote answered: the throttle did not hold");
        var hashing = Assert.Single(early.GetProperty("hashing").EnumerateArray());
        Assert.Equal("bravo", hashing.GetProperty("name").GetString());
        Assert.Equal(Game, Assert.Single(hashing.GetProperty("games").EnumerateArray()).GetString());

        var (ready, _) = await bravo.WaitForLineAsync(l => IsEvent(l, "LibraryReady"), TimeSpan.FromSeconds(120));
        var readyEvent = JsonDocument.Parse(ready).RootElement;
        Assert.Equal(1, readyEvent.GetProperty("gamesHashed").GetInt32());
        Assert.True(readyEvent.GetProperty("bytesHashed").GetInt64() >= 8L * 1024 * 1024);
        var progress = bravo.Stdout.Split('\n').Where(l => IsEvent(l, "ManifestProgress")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Contains(progress, p => p.GetProperty("game").GetString() == Game && p.GetProperty("bytesHashed").GetInt64() == p.GetProperty("totalBytes").GetInt64());

        var late = await ListRemoteAsync(temp, port);
        Assert.Equal(1, Offers(late));
        Assert.Empty(late.GetProperty("hashing").EnumerateArray());
    }

    [Fact]
    public async Task Get_started_at_once_waits_past_the_settle_time_for_the_seeder_to_hash_the_game_and_gets_identical_bytes()
    {
        using var temp = new TempDir();
        Seed(temp);
        var port = Ports.Free();
        using var bravo = Serve(temp, port, hashRate: 1024 * 1024);
        await bravo.WaitForStderrAsync("serving", TimeSpan.FromSeconds(60));

        using var get = await CliProcess.RunAsync(
            ["get", Game, "--games", temp.Sub("client"), "--data", temp.Sub("client-data"), "--name", "client", "--listen", "127.0.0.1:0", "--no-mdns", "--json", "--no-install",
                "--peer", $"127.0.0.1:{port}", "--settle", "2", "--timeout", "120"],
            TimeSpan.FromSeconds(150));
        Assert.True(get.ExitCode == 0, $"exit {get.ExitCode}\n{get.Stderr}");
        Assert.Contains($"waiting for seeder bravo to finish hashing {Game}", get.Stderr, StringComparison.Ordinal);
        Assert.Contains(bravo.Stdout.Split('\n'), l => IsEvent(l, "LibraryReady") && l.Contains("\"gamesHashed\":1", StringComparison.Ordinal));
        foreach (var file in Enumerable.Range(0, 4).Select(i => $"data/pak{i}.bin").Append("version.ini"))
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(temp.Sub("bravo"), Game, file)), File.ReadAllBytes(Path.Combine(temp.Sub("client"), Game, file)));
        }
    }

    [Fact]
    public async Task Get_of_a_game_nobody_has_still_exits_3_after_the_settle_time_while_the_seeder_hashes_another()
    {
        using var temp = new TempDir();
        Seed(temp);
        var port = Ports.Free();
        using var bravo = Serve(temp, port, hashRate: 512 * 1024);
        await bravo.WaitForStderrAsync("serving", TimeSpan.FromSeconds(60));

        using var get = await CliProcess.RunAsync(
            ["get", "cs16", "--games", temp.Sub("client"), "--data", temp.Sub("client-data"), "--name", "client", "--listen", "127.0.0.1:0", "--no-mdns", "--json", "--no-install",
                "--peer", $"127.0.0.1:{port}", "--settle", "2", "--timeout", "120"],
            TimeSpan.FromSeconds(150));
        var hashedBeforeGetGaveUp = bravo.Stdout.Split('\n').Any(l => IsEvent(l, "LibraryReady") && l.Contains("\"gamesHashed\":1", StringComparison.Ordinal));
        Assert.True(get.ExitCode == 3, $"exit {get.ExitCode}\n{get.Stderr}");
        Assert.Contains("none of the 1 peer(s) found offers 'cs16'", get.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("waiting for seeder", get.Stderr, StringComparison.Ordinal);
        Assert.False(hashedBeforeGetGaveUp, "the seeder finished hashing before get gave up: get waited for a game it does not have");
    }

    [Fact]
    public async Task Sigterm_while_hashing_stops_promptly_and_the_next_start_offers_the_game()
    {
        using var temp = new TempDir();
        Seed(temp);
        var port = Ports.Free();
        using (var slow = Serve(temp, port, hashRate: 1024 * 1024))
        {
            await slow.WaitForStderrAsync("serving", TimeSpan.FromSeconds(60));
            await slow.WaitForLineAsync(l => IsEvent(l, "ManifestProgress"), TimeSpan.FromSeconds(60)); // hashing is under way
            Assert.DoesNotContain(slow.Stdout.Split('\n'), l => IsEvent(l, "LibraryReady") && l.Contains("\"gamesHashed\":1", StringComparison.Ordinal));
            var stopwatch = System.Diagnostics.Stopwatch.StartNew();
            slow.Terminate();
            await slow.WaitForExitAsync(TimeSpan.FromSeconds(30));
            // Generous for a loaded machine: the rest of the 8 MiB at 1 MiB/s would take several seconds more.
            Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"serve took {stopwatch.Elapsed} to stop");
            Assert.Equal(0, slow.ExitCode);
        }

        using var fast = Serve(temp, port, hashRate: null);
        await fast.WaitForLineAsync(l => IsEvent(l, "LibraryReady"), TimeSpan.FromSeconds(60));
        Assert.Equal(1, Offers(await ListRemoteAsync(temp, port)));
    }
}
