using System.Text.Json;
using LanSpread.TestKit;
using Xunit;

namespace LanSpread.Cli.Tests.Manifest;

/// <summary>
/// A real <c>lanspread serve</c> whose library is hashed in the background: it listens and answers
/// <c>list --remote</c> while hashing, offers the game only once its manifest is ready, reports progress
/// as JSONL, and stops promptly on SIGTERM mid-hash with an index the next start builds on. Hashing is held
/// by the <c>LANSPREAD_TEST_HASH_GATE</c> test hook (it pauses while the gate file exists) and released by
/// the test, so the "still hashing" window lasts exactly as long as each test needs: a throttled rate
/// alone was outrun by a client process starting slowly on a loaded machine.
/// </summary>
public sealed class BackgroundHashingProcessTests
{
    private const string Game = "bfbc2";

    /// <summary>About 8 MiB of content in four files.</summary>
    private static string Seed(TempDir temp) =>
        GameFixture.Create(temp.Sub("bravo"), Game, "7", new Dictionary<string, byte[]> { ["a.bin"] = [1, 2, 3] },
            Enumerable.Range(0, 4).ToDictionary(i => $"data/pak{i}.bin", i => GameFixture.Bytes(2 * 1024 * 1024, 30 + i)));

    /// <summary>A closed gate: hashing pauses after its first read until the file is deleted.</summary>
    private static string HoldHashing(TempDir temp)
    {
        var gate = Path.Combine(temp.Path, "hash-gate");
        File.WriteAllBytes(gate, []);
        return gate;
    }

    /// <summary>A serve process on port 0 (read back from its log) whose hashing waits at <paramref name="gate"/> while it exists.</summary>
    private static async Task<(CliProcess Process, int Port)> ServeAsync(TempDir temp, string? gate)
    {
        var serve = CliProcess.Start(
            ["serve", "--games", temp.Sub("bravo"), "--data", temp.Sub("bravo-data"), "--name", "bravo", "--listen", "127.0.0.1:0", "--no-mdns", "--ping-interval", "1"],
            gate is null ? null : new Dictionary<string, string> { ["LANSPREAD_TEST_HASH_GATE"] = gate });
        return (serve, await serve.WaitForListenPortAsync(TimeSpan.FromSeconds(60)));
    }

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

    private static bool Hashed(CliProcess serve) =>
        serve.Stdout.Split('\n').Any(l => IsEvent(l, "LibraryReady") && l.Contains("\"gamesHashed\":1", StringComparison.Ordinal));

    [Fact]
    public async Task A_serving_process_answers_while_hashing_and_offers_the_game_once_its_manifest_is_ready()
    {
        using var temp = new TempDir();
        Seed(temp);
        var gate = HoldHashing(temp);
        var (bravo, port) = await ServeAsync(temp, gate);
        using var bravoProcess = bravo;

        var early = await ListRemoteAsync(temp, port);
        // First, so a failure says what happened: with the gate closed, hashing cannot have finished.
        Assert.False(bravo.Stdout.Split('\n').Any(l => IsEvent(l, "LibraryReady")), "the library was hashed before list --remote answered: the hash gate did not hold");
        Assert.Equal("bravo", Assert.Single(early.GetProperty("peers").EnumerateArray()).GetProperty("name").GetString());
        Assert.Equal(0, Offers(early));
        var hashing = Assert.Single(early.GetProperty("hashing").EnumerateArray());
        Assert.Equal("bravo", hashing.GetProperty("name").GetString());
        Assert.Equal(Game, Assert.Single(hashing.GetProperty("games").EnumerateArray()).GetString());

        File.Delete(gate);
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
        var gate = HoldHashing(temp);
        var (bravo, port) = await ServeAsync(temp, gate);
        using var bravoProcess = bravo;

        using var get = CliProcess.Start(
            ["get", Game, "--games", temp.Sub("client"), "--data", temp.Sub("client-data"), "--name", "client", "--listen", "127.0.0.1:0", "--no-mdns", "--json", "--no-install",
                "--peer", $"127.0.0.1:{port}", "--settle", "2", "--timeout", "120"]);
        // get says so once --settle has passed with the seeder still hashing: only then is hashing released.
        await get.WaitForStderrAsync($"waiting for seeder bravo to finish hashing {Game}", TimeSpan.FromSeconds(90));
        File.Delete(gate);
        await get.WaitForExitAsync(TimeSpan.FromSeconds(150));
        Assert.True(get.ExitCode == 0, $"exit {get.ExitCode}\n{get.Stderr}");
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
        var (bravo, port) = await ServeAsync(temp, HoldHashing(temp)); // never released: bravo hashes bfbc2 throughout
        using var bravoProcess = bravo;

        using var get = await CliProcess.RunAsync(
            ["get", "cs16", "--games", temp.Sub("client"), "--data", temp.Sub("client-data"), "--name", "client", "--listen", "127.0.0.1:0", "--no-mdns", "--json", "--no-install",
                "--peer", $"127.0.0.1:{port}", "--settle", "2", "--timeout", "120"],
            TimeSpan.FromSeconds(150));
        Assert.False(Hashed(bravo), "the seeder finished hashing before get gave up: the hash gate did not hold");
        Assert.True(get.ExitCode == 3, $"exit {get.ExitCode}\n{get.Stderr}");
        Assert.Contains("none of the 1 peer(s) found offers 'cs16'", get.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("waiting for seeder", get.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sigterm_while_hashing_stops_promptly_and_the_next_start_offers_the_game()
    {
        using var temp = new TempDir();
        Seed(temp);
        var gate = HoldHashing(temp); // never released: the rest of the hash would take for ever
        var (slow, _) = await ServeAsync(temp, gate);
        using (slow)
        {
            await slow.WaitForLineAsync(l => IsEvent(l, "ManifestProgress"), TimeSpan.FromSeconds(60)); // hashing is under way
            Assert.False(Hashed(slow));
            var stopwatch = System.Diagnostics.Stopwatch.StartNew();
            slow.Terminate();
            // Generous for a loaded machine; a stop that waited for the hashing would not end at all.
            await slow.WaitForExitAsync(TimeSpan.FromSeconds(30));
            Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"serve took {stopwatch.Elapsed} to stop");
            Assert.Equal(0, slow.ExitCode);
        }

        var (fast, port) = await ServeAsync(temp, gate: null);
        using var fastProcess = fast;
        await fast.WaitForLineAsync(l => IsEvent(l, "LibraryReady"), TimeSpan.FromSeconds(60));
        Assert.Equal(1, Offers(await ListRemoteAsync(temp, port)));
    }
}
