using System.Text.Json;
using LanSpread.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace LanSpread.Cli.Tests.Manifest;

/// <summary>
/// Issue 13 between real <c>lanspread</c> processes on namespace hosts: a corrupt seeder is caught and
/// named; a SIGKILLed download, a download cancelled in a <c>serve</c> peer and a <c>serve</c> peer
/// stopped (SIGTERM) and started again all resume; a current game transfers nothing; an update fetches
/// only what changed; and a failed update keeps the installed version without downgrading. Transferred
/// bytes are read from the client's ChunkCompleted events.
/// </summary>
[Collection("scenarios")]
public sealed partial class ManifestProcessTests(ManifestLan lan, ITestOutputHelper output) : IClassFixture<ManifestLan>, IDisposable
{
    private const string Game = "alienswarm";
    private readonly List<CliProcess> _processes = [];

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            process.Dispose();
        }
    }

    private static Dictionary<string, byte[]> Content(int seed, int files, int size) =>
        Enumerable.Range(0, files).ToDictionary(i => $"data/part{i:00}.vpk", i => GameFixture.Bytes(size, seed + i));

    [RootFact]
    public async Task A_seeder_with_corrupt_bytes_beside_an_honest_one_is_named_and_the_download_is_the_honest_bytes()
    {
        var content = Content(1, 6, 5_000_000);
        var honest = GameFixture.Create(Fresh("seed-a", "honest"), Game, "1", content);
        var bad = GameFixture.Create(Fresh("seed-b", "bad"), Game, "1", content);
        using var a = await ServeAsync("seed-a", Path.GetDirectoryName(honest)!, "--chunk-size", "1M");
        using var b = await ServeAsync("seed-b", Path.GetDirectoryName(bad)!, "--chunk-size", "1M");
        GameFixture.CorruptKeepingStamp(Path.Combine(bad, Game + ".eti")); // after its manifest was computed

        var games = Fresh("client", "corrupt");
        var get = await GetAsync(games, ["seed-a", "seed-b"], "--peers", "2");
        Assert.True(get.ExitCode == 0, get.Stderr);
        var events = Events(get);
        Assert.Contains(events, e => Is(e, "PeerBanned") && e.GetProperty("peer").GetString() == "seed-b");
        Assert.DoesNotContain(events, e => Is(e, "ChunkCompleted") && e.GetProperty("peer").GetString() == "seed-b");
        Assert.Equal(File.ReadAllBytes(Path.Combine(honest, Game + ".eti")), File.ReadAllBytes(Path.Combine(games, Game, Game + ".eti")));
        Assert.Equal(GameFixture.Manifest(content), GameFixture.Manifest(Path.Combine(games, Game, "local")));

        // With only the corrupt seeder: a clear failure naming it; nothing committed or installed.
        a.Kill();
        await a.Process.WaitForExitAsync();
        var alone = Fresh("client", "corrupt-alone");
        var failed = await GetAsync(alone, ["seed-b"]);
        Assert.Equal(5, failed.ExitCode);
        var reason = Events(failed).Last(e => Is(e, "DownloadGameFilesFailed")).GetProperty("reason").GetString()!;
        output.WriteLine(reason);
        Assert.Contains("seed-b", reason, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(alone, Game, "version.ini")));
        Assert.False(File.Exists(Path.Combine(alone, Game, Game + ".eti")));
        Assert.False(Directory.Exists(Path.Combine(alone, Game, "local")));
    }

    [RootFact]
    public async Task A_download_killed_at_half_fetches_at_most_60_percent_when_run_again()
    {
        var content = Content(2, 10, 10_000_000);
        var seed = GameFixture.Create(Fresh("seed-a", "kill"), Game, "1", content);
        var total = new FileInfo(Path.Combine(seed, Game + ".eti")).Length;
        Shape("seed-a", "400mbit");
        try
        {
            using var a = await ServeAsync("seed-a", Path.GetDirectoryName(seed)!, "--chunk-size", "1M");
            var games = Fresh("client", "kill");
            var first = Start("client", GetArgs(games, ["seed-a"]));
            long fetched = 0;
            var killed = 0;
            first.Line += line =>
            {
                if (line.Contains("\"ChunkCompleted\"", StringComparison.Ordinal)
                    && Interlocked.Add(ref fetched, JsonDocument.Parse(line).RootElement.GetProperty("length").GetInt64()) >= total / 2
                    && Interlocked.Exchange(ref killed, 1) == 0)
                {
                    first.Kill(); // SIGKILL: no clean shutdown, only what the progress record made durable
                }
            };
            await first.WaitForExitAsync(TimeSpan.FromMinutes(2));
            Assert.Equal(1, killed);

            var second = await GetAsync(games, ["seed-a"]);
            Assert.True(second.ExitCode == 0, second.Stderr);
            var again = Events(second).Where(e => Is(e, "ChunkCompleted")).Sum(e => e.GetProperty("length").GetInt64());
            output.WriteLine($"game {total} bytes; first run fetched {fetched} before SIGKILL; the rerun fetched {again} ({100.0 * again / total:0.0}%)");
            Assert.True(again <= total * 60 / 100, $"the rerun fetched {again} of {total} bytes");
            Assert.Equal(GameFixture.Manifest(content), GameFixture.Manifest(Path.Combine(games, Game, "local")));

            // Getting it once more: already up to date, nothing transferred.
            var current = await GetAsync(games, ["seed-a"]);
            Assert.True(current.ExitCode == 0, current.Stderr);
            Assert.Contains(Events(current), e => Is(e, "GameUpToDate"));
            Assert.DoesNotContain(Events(current), e => Is(e, "ChunkCompleted") || Is(e, "DownloadGameFilesBegin"));
        }
        finally
        {
            Unshape("seed-a");
        }
    }

    [RootFact]
    public async Task A_download_cancelled_at_half_in_a_serve_peer_fetches_at_most_60_percent_when_asked_again()
    {
        var content = Content(6, 10, 10_000_000);
        var seed = GameFixture.Create(Fresh("seed-a", "cancel"), Game, "1", content);
        var total = new FileInfo(Path.Combine(seed, Game + ".eti")).Length;
        Shape("seed-a", "400mbit");
        try
        {
            using var a = await ServeAsync("seed-a", Path.GetDirectoryName(seed)!, "--chunk-size", "1M");
            var games = Fresh("client", "cancel");
            using var client = await ServeClientAsync(games);
            long fetched = 0;
            var cancelled = 0;
            client.Line += line =>
            {
                if (line.Contains("\"ChunkCompleted\"", StringComparison.Ordinal)
                    && Interlocked.Add(ref fetched, JsonDocument.Parse(line).RootElement.GetProperty("length").GetInt64()) >= total / 2
                    && Interlocked.Exchange(ref cancelled, 1) == 0)
                {
                    Send(client, $$"""{"command":"CancelDownload","id":"{{Game}}"}""");
                }
            };
            await DownloadAsync(client);
            var (stopLine, _) = await client.WaitForLineAsync(l => l.Contains("\"DownloadGameFilesCancelled\"", StringComparison.Ordinal), TimeSpan.FromMinutes(2));
            var kept = JsonDocument.Parse(stopLine).RootElement.GetProperty("keptBytes").GetInt64();
            Assert.True(kept >= total / 2, $"the pause kept {kept} of {total} bytes");
            Assert.True(Directory.Exists(Path.Combine(games, Game, ".lanspread.partial")));
            Assert.False(File.Exists(Path.Combine(games, Game, "version.ini")));

            // Asked again in the same peer (GetGame + DownloadGameFiles): only the missing chunks.
            await DownloadAsync(client);
            await client.WaitForLineAsync(l => l.Contains("\"InstallGameFinished\"", StringComparison.Ordinal), TimeSpan.FromMinutes(2));
            var lines = client.Stdout.Split('\n');
            var pause = Array.FindIndex(lines, l => l.Contains("\"DownloadGameFilesCancelled\"", StringComparison.Ordinal));
            var before = ChunkBytes(lines.Take(pause));
            var again = ChunkBytes(lines.Skip(pause + 1));
            output.WriteLine($"game {total} bytes; fetched {before} before the pause took effect (kept {kept}); the resumed download fetched {again} ({100.0 * again / total:0.0}%)");
            Assert.True(again <= total * 60 / 100, $"the resumed download fetched {again} of {total} bytes");
            Assert.Equal(File.ReadAllBytes(Path.Combine(seed, Game + ".eti")), File.ReadAllBytes(Path.Combine(games, Game, Game + ".eti")));
            Assert.Equal(GameFixture.Manifest(content), GameFixture.Manifest(Path.Combine(games, Game, "local")));
        }
        finally
        {
            Unshape("seed-a");
        }
    }

    [RootFact]
    public async Task A_serve_peer_stopped_at_half_and_started_again_fetches_at_most_60_percent()
    {
        var content = Content(7, 10, 10_000_000);
        var seed = GameFixture.Create(Fresh("seed-a", "restart"), Game, "1", content);
        var total = new FileInfo(Path.Combine(seed, Game + ".eti")).Length;
        Shape("seed-a", "400mbit");
        try
        {
            using var a = await ServeAsync("seed-a", Path.GetDirectoryName(seed)!, "--chunk-size", "1M");
            var games = Fresh("client", "restart");
            var data = lan.Temp.Sub($"client/data-{Guid.NewGuid():N}"[..20]);
            var first = await ServeClientAsync(games, data);
            long fetched = 0;
            var stopped = 0;
            first.Line += line =>
            {
                if (line.Contains("\"ChunkCompleted\"", StringComparison.Ordinal)
                    && Interlocked.Add(ref fetched, JsonDocument.Parse(line).RootElement.GetProperty("length").GetInt64()) >= total / 2
                    && Interlocked.Exchange(ref stopped, 1) == 0)
                {
                    Signal(a, "STOP"); // the seeder sends nothing more while the client stops
                    first.Terminate(); // SIGTERM: the clean stop of a peer that is then started again
                }
            };
            await DownloadAsync(first);
            try
            {
                await first.WaitForExitAsync(TimeSpan.FromMinutes(2));
            }
            finally
            {
                Signal(a, "CONT");
            }

            Assert.Equal(1, stopped);
            Assert.DoesNotContain("\"DownloadGameFilesFinished\"", first.Stdout, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(games, Game, "version.ini")));

            using var second = await ServeClientAsync(games, data);
            await DownloadAsync(second);
            await second.WaitForLineAsync(l => l.Contains("\"InstallGameFinished\"", StringComparison.Ordinal), TimeSpan.FromMinutes(2));
            var again = ChunkBytes(second.Stdout.Split('\n'));
            output.WriteLine($"game {total} bytes; the first serve fetched {ChunkBytes(first.Stdout.Split('\n'))} before SIGTERM (exit {first.ExitCode}); the restarted serve fetched {again} ({100.0 * again / total:0.0}%)");
            Assert.True(again <= total * 60 / 100, $"the restarted peer fetched {again} of {total} bytes");
            Assert.Equal(File.ReadAllBytes(Path.Combine(seed, Game + ".eti")), File.ReadAllBytes(Path.Combine(games, Game, Game + ".eti")));
            Assert.Equal(GameFixture.Manifest(content), GameFixture.Manifest(Path.Combine(games, Game, "local")));
        }
        finally
        {
            Unshape("seed-a");
        }
    }

    [RootFact]
    public async Task An_update_of_a_200MB_archive_where_one_10MB_file_changed_fetches_at_most_3x_the_change()
    {
        var v1 = Content(3, 20, 10_000_000);
        var v2 = new Dictionary<string, byte[]>(v1) { ["data/part10.vpk"] = GameFixture.Bytes(11_000_000, 777) };
        var seed = GameFixture.Create(Fresh("seed-a", "delta"), Game, "2", v2);
        var games = Fresh("client", "delta");
        GameFixture.Create(games, Game, "1", v1);
        Assert.Equal(0, (await RunAsync("client", ["install", Game, "--games", games])).ExitCode);
        using var a = await ServeAsync("seed-a", Path.GetDirectoryName(seed)!);

        var update = await GetAsync(games, ["seed-a"], "--update");
        Assert.True(update.ExitCode == 0, update.Stderr);
        var fetched = Events(update).Where(e => Is(e, "ChunkCompleted")).Sum(e => e.GetProperty("length").GetInt64());
        var archive = new FileInfo(Path.Combine(seed, Game + ".eti")).Length;
        output.WriteLine($"P8 delta: {archive} byte archive, 11,000,000 bytes changed, {fetched} fetched ({fetched / 11e6:0.00}x the change)");
        Assert.True(fetched <= 3 * 11_000_000, $"the update fetched {fetched} bytes");
        Assert.Equal(File.ReadAllBytes(Path.Combine(seed, Game + ".eti")), File.ReadAllBytes(Path.Combine(games, Game, Game + ".eti")));
        Assert.Equal(GameFixture.Manifest(v2), GameFixture.Manifest(Path.Combine(games, Game, "local")));
    }

    [RootFact]
    public async Task A_failed_update_keeps_the_installed_version_shown_and_playable_and_nothing_downgrades_unasked()
    {
        var v1 = Content(4, 4, 2_000_000);
        var v2 = Content(5, 8, 5_000_000);
        var old = GameFixture.Create(Fresh("seed-b", "old"), Game, "1", v1);
        var newer = GameFixture.Create(Fresh("seed-a", "new"), Game, "2", v2);
        using var b = await ServeAsync("seed-b", Path.GetDirectoryName(old)!);
        var games = Fresh("client", "update");
        Assert.Equal(0, (await GetAsync(games, ["seed-b"])).ExitCode);

        Shape("seed-a", "200mbit");
        try
        {
            using var a = await ServeAsync("seed-a", Path.GetDirectoryName(newer)!, "--chunk-size", "1M");
            // Only seed-a is named: with both, get may settle on whichever peer answers first (seed-b's version 1
            // is then simply current). seed-b keeps running beside it, the older peer still around.
            var update = Start("client", GetArgs(games, ["seed-a"], "--update"));
            update.Line += line =>
            {
                if (line.Contains("\"ChunkCompleted\"", StringComparison.Ordinal))
                {
                    a.Kill(); // the only seeder of version 2
                }
            };
            await update.WaitForExitAsync(TimeSpan.FromMinutes(2));
            Assert.Equal(5, update.ExitCode);
        }
        finally
        {
            Unshape("seed-a");
        }

        var list = await RunAsync("client", ["list", "--games", games]);
        var entry = JsonDocument.Parse(list.Stdout).RootElement.GetProperty("games").EnumerateArray().Single(g => g.GetProperty("id").GetString() == Game);
        Assert.Equal("1", entry.GetProperty("localVersion").GetString());
        Assert.True(entry.GetProperty("isInstalled").GetBoolean());
        Assert.Equal(GameFixture.Manifest(v1), GameFixture.Manifest(Path.Combine(games, Game, "local")));

        // Only version 1 is offered now: up to date, nothing fetched, nothing replaced.
        var again = await GetAsync(games, ["seed-b"]);
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Contains(Events(again), e => Is(e, "GameUpToDate"));
        Assert.DoesNotContain(Events(again), e => Is(e, "ChunkCompleted"));

        // A newer version held here is not replaced by the older one offered, unless asked.
        File.WriteAllText(Path.Combine(games, Game, "version.ini"), "3\n");
        var refused = await GetAsync(games, ["seed-b"]);
        Assert.Equal(5, refused.ExitCode);
        Assert.Contains("--allow-downgrade", Events(refused).Last(e => Is(e, "DownloadGameFilesFailed")).GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("3", File.ReadAllText(Path.Combine(games, Game, "version.ini")).Trim());
        var downgraded = await GetAsync(games, ["seed-b"], "--allow-downgrade");
        Assert.True(downgraded.ExitCode == 0, downgraded.Stderr);
        Assert.Equal("1", File.ReadAllText(Path.Combine(games, Game, "version.ini")).Trim());
    }

    private static long ChunkBytes(IEnumerable<string> lines) =>
        lines.Where(l => l.StartsWith('{') && l.Contains("\"ChunkCompleted\"", StringComparison.Ordinal)).Sum(l => JsonDocument.Parse(l).RootElement.GetProperty("length").GetInt64());

    private static void Send(CliProcess process, string command)
    {
        lock (process)
        {
            process.Process.StandardInput.WriteLine(command);
            process.Process.StandardInput.Flush();
        }
    }

    private static void Signal(CliProcess process, string signal)
    {
        using var kill = System.Diagnostics.Process.Start("kill", [$"-{signal}", process.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    private static int Count(CliProcess process, string name) =>
        process.Stdout.Split('\n').Count(l => l.Contains($"\"{name}\"", StringComparison.Ordinal));

    /// <summary>Asks a <c>serve</c> client for the game's files on stdin (again until seed-a is known), then for the download.</summary>
    private static async Task DownloadAsync(CliProcess client)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var got = Count(client, "GotGameFiles");
            var none = Count(client, "NoPeersHaveGame");
            Send(client, $$"""{"command":"GetGame","id":"{{Game}}"}""");
            while (Count(client, "GotGameFiles") == got && Count(client, "NoPeersHaveGame") == none)
            {
                Assert.True(DateTime.UtcNow < deadline && !client.Process.HasExited, $"no GotGameFiles\nstdout:\n{client.Stdout}\nstderr:\n{client.Stderr}");
                await Task.Delay(50);
            }

            var files = client.Stdout.Split('\n').Where(l => l.Contains("\"GotGameFiles\"", StringComparison.Ordinal)).Skip(got).FirstOrDefault();
            if (files is not null)
            {
                var list = JsonDocument.Parse(files).RootElement.GetProperty("files").GetRawText();
                Send(client, $$"""{"command":"DownloadGameFiles","id":"{{Game}}","files":{{list}}}""");
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "seed-a never offered the game");
            await Task.Delay(200);
        }
    }

    private async Task<CliProcess> ServeClientAsync(string games, string? data = null)
    {
        var process = Start("client", ["serve", "--games", games, "--data", data ?? lan.Temp.Sub($"client/data-{Guid.NewGuid():N}"[..20]), "--name", "client", "--no-mdns",
            "--ping-interval", "1", "--peer", $"{lan.Lan.Address("seed-a")}:42420"]);
        await process.WaitForStderrAsync("serving", TimeSpan.FromSeconds(60));
        await process.WaitForLineAsync(l => l.Contains("\"LibraryReady\"", StringComparison.Ordinal), TimeSpan.FromSeconds(60)); // manifests computed
        return process;
    }

    private static bool Is(JsonElement e, string name) => e.GetProperty("event").GetString() == name;

    private static List<JsonElement> Events(CliProcess process) =>
        process.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement).ToList();

    private void Shape(string host, string rate) =>
        NetnsLan.Exec(lan.Lan.Namespace(host), "tc", "qdisc", "replace", "dev", "eth0", "root", "tbf", "rate", rate, "burst", "256kb", "latency", "100ms");

    private void Unshape(string host) => NetnsLan.Exec(lan.Lan.Namespace(host), "tc", "qdisc", "del", "dev", "eth0", "root");

    private string Fresh(string host, string name) => lan.Temp.Sub($"{host}/{name}-{Guid.NewGuid():N}"[..(host.Length + name.Length + 10)]);

    private CliProcess Start(string host, string[] args)
    {
        var process = lan.Lan.Run(host, args);
        _processes.Add(process);
        return process;
    }

    private async Task<CliProcess> ServeAsync(string host, string games, params string[] extra)
    {
        var process = Start(host, ["serve", "--games", games, "--data", lan.Temp.Sub($"{host}/data-{Guid.NewGuid():N}"[..(host.Length + 14)]), "--name", host, "--no-mdns", "--ping-interval", "1", .. extra]);
        await process.WaitForStderrAsync("serving", TimeSpan.FromSeconds(60));
        await process.WaitForLineAsync(l => l.Contains("\"LibraryReady\"", StringComparison.Ordinal), TimeSpan.FromSeconds(60)); // manifests computed
        return process;
    }

    private string[] GetArgs(string games, string[] seeders, params string[] extra) =>
        ["get", Game, "--games", games, "--data", lan.Temp.Sub("client/data"), "--name", "client", "--json", "--no-mdns", "--listen", "0.0.0.0:0",
            .. seeders.SelectMany(s => new[] { "--peer", $"{lan.Lan.Address(s)}:42420" }), "--timeout", "120", .. extra];

    private async Task<CliProcess> GetAsync(string games, string[] seeders, params string[] extra)
    {
        var process = Start("client", GetArgs(games, seeders, extra));
        await process.WaitForExitAsync(TimeSpan.FromMinutes(3));
        return process;
    }

    private async Task<CliProcess> RunAsync(string host, string[] args)
    {
        var process = Start(host, args);
        await process.WaitForExitAsync(TimeSpan.FromMinutes(2));
        return process;
    }
}
