using System.Diagnostics;
using System.Text.Json;
using LanSpread.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace LanSpread.Cli.Tests.Scenarios;

/// <summary>
/// S3–S14 of DESIGN C.3 (S1, S2 and pruning are in LanDiscoveryTests) between real <c>lanspread</c>
/// processes on namespace hosts, discovering each other by mDNS, checked by events, exit codes and
/// SHA-256 manifests. docs/SCENARIOS.md has the command lines.
/// </summary>
[Collection("scenarios")]
public sealed class ScenarioTests(ScenarioLan lan, ITestOutputHelper output) : IClassFixture<ScenarioLan>, IDisposable
{
    private readonly List<CliProcess> _processes = [];

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            process.Dispose();
        }
    }

    [RootFact]
    public async Task S3_S4_single_peer_download_install_then_uninstall()
    {
        using var alpha = await ServeAsync("alpha");
        var games = Fresh("deep-small-client", "s3");
        var get = await GetAsync("deep-small-client", "cs16", games);
        Assert.Equal(0, get.ExitCode);
        Assert.Equal(GameFixture.Manifest(lan.Cs16), GameFixture.Manifest(Path.Combine(games, "cs16", "local")));
        AssertSameDownload(Path.Combine(lan.Games("alpha"), "cs16"), Path.Combine(games, "cs16"));

        var uninstall = await RunAsync("deep-small-client", ["uninstall", "cs16", "--games", games]);
        Assert.Equal(0, uninstall.ExitCode);
        Assert.False(Directory.Exists(Path.Combine(games, "cs16", "local")));
        Assert.True(File.Exists(Path.Combine(games, "cs16", "cs16.eti")));
        Assert.True(File.Exists(Path.Combine(games, "cs16", "version.ini")));
    }

    [RootFact]
    public async Task S5_update_to_a_newer_version_replaces_the_old_files()
    {
        var bravoGames = Fresh("bravo", "s5");
        GameFixture.Create(bravoGames, "bfbc2", "1", new Dictionary<string, byte[]> { ["bc2.exe"] = [1], ["old-only.dat"] = [2] });
        using var bravo = await ServeAsync("bravo", bravoGames, "--rescan-interval", "2");
        var games = Fresh("deep-small-client", "s5");
        Assert.Equal(0, (await GetAsync("deep-small-client", "bfbc2", games)).ExitCode);

        var v2 = new Dictionary<string, byte[]> { ["bc2.exe"] = [3, 3], ["new-only.dat"] = [4] };
        var readyBefore = bravo.Stdout.Split('\n').Count(l => l.Contains("\"LibraryReady\"", StringComparison.Ordinal));
        GameFixture.Create(bravoGames, "bfbc2", "2", v2); // the peer gets the newer version
        // Announced once rescanned and hashed (the next LibraryReady), not after a fixed sleep.
        await bravo.WaitForLineAsync(l => l.Contains("\"LibraryReady\"", StringComparison.Ordinal), TimeSpan.FromSeconds(60), skip: readyBefore);
        var update = await GetAsync("deep-small-client", "bfbc2", games, "--update");
        Assert.Equal(0, update.ExitCode);
        Assert.Contains("\"mode\":\"update\"", update.Stdout, StringComparison.Ordinal);
        Assert.Equal(GameFixture.Manifest(v2), GameFixture.Manifest(Path.Combine(games, "bfbc2", "local")));
        Assert.Equal("2", File.ReadAllText(Path.Combine(games, "bfbc2", "version.ini")).Trim());
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(games, "bfbc2"), ".version.ini.*"));
        Assert.False(Directory.Exists(Path.Combine(games, "bfbc2", ".local.backup")));
    }

    [RootFact]
    public async Task S6_a_root_outside_the_catalog_is_neither_announced_nor_served()
    {
        using var alpha = await ServeAsync("alpha");
        var list = await RunAsync("deep-small-client", ["list", "--remote", "--games", Fresh("deep-small-client", "s6"), "--data", lan.Data("deep-small-client"), "--timeout", "3"]);
        var ids = JsonDocument.Parse(list.Stdout).RootElement.GetProperty("games").EnumerateArray().Select(g => g.GetProperty("id").GetString()).ToList();
        Assert.Contains("cs16", ids);
        Assert.DoesNotContain("homebrew", ids);
        var get = await GetAsync("deep-small-client", "homebrew", Fresh("deep-small-client", "s6b"), "--timeout", "4");
        Assert.True(get.ExitCode == 4, get.Stderr);
        var local = await RunAsync("alpha", ["list", "--games", lan.Games("alpha")]);
        Assert.Contains("not in catalog", local.Stdout, StringComparison.Ordinal);
    }

    [RootFact]
    public async Task S7_one_of_two_serving_peers_killed_mid_download_the_other_finishes()
    {
        using var alpha = await ServeAsync("alpha");
        using var stageB = await ServeAsync("deep-stage-b");
        var games = Fresh("deep-stage-c", "s7");
        var get = Start("deep-stage-c", GetArgs("deep-stage-c", "alienswarm", games, "--peers", "2", "--chunk-size", "512K"));
        var killed = 0;
        get.Line += line =>
        {
            if (line.Contains("\"ChunkCompleted\"", StringComparison.Ordinal) && line.Contains("\"peer\":\"deep-stage-b\"", StringComparison.Ordinal) && Interlocked.Exchange(ref killed, 1) == 0)
            {
                stageB.Kill();
            }
        };
        await get.WaitForExitAsync(TimeSpan.FromMinutes(3));
        Assert.True(get.ExitCode == 0, get.Stderr);
        Assert.Equal(1, killed);
        Assert.Equal(GameFixture.Manifest(lan.AlienSwarm), GameFixture.Manifest(Path.Combine(games, "alienswarm", "local")));
    }

    [RootFact]
    public async Task S8_every_serving_peer_killed_clean_failure_previous_install_intact()
    {
        var games = Fresh("deep-stage-c", "s8");
        var root = GameFixture.Create(games, "alienswarm", "20200101", new Dictionary<string, byte[]> { ["old.exe"] = [7] });
        Assert.Equal(0, (await RunAsync("deep-stage-c", ["install", "alienswarm", "--games", games])).ExitCode);
        using var alpha = await ServeAsync("alpha");

        // The seeder's link is shaped so the > 100 MB game would take 45 s or more: the kill at the first chunk
        // cannot race a download that finishes first (it did on an idle machine, unshaped), even when a loaded
        // machine delays the test's reading of the chunk line by seconds. It costs nothing: the kill ends it early.
        var alphaNs = lan.Lan.Namespace("alpha");
        NetnsLan.Exec(alphaNs, "tc", "qdisc", "replace", "dev", "eth0", "root", "tbf", "rate", "20mbit", "burst", "256kb", "latency", "100ms");
        try
        {
            var get = Start("deep-stage-c", GetArgs("deep-stage-c", "alienswarm", games, "--chunk-size", "256K"));
            get.Line += line =>
            {
                if (line.Contains("\"ChunkCompleted\"", StringComparison.Ordinal))
                {
                    alpha.Kill();
                }
            };
            await get.WaitForExitAsync(TimeSpan.FromMinutes(3));
            Assert.Equal(5, get.ExitCode);
        }
        finally
        {
            NetnsLan.Exec(alphaNs, "tc", "qdisc", "del", "dev", "eth0", "root");
        }

        Assert.Equal("20200101", File.ReadAllText(Path.Combine(root, "version.ini")).Trim()); // the update was staged: the held version stays
        Assert.Empty(Directory.EnumerateFileSystemEntries(root, ".version.ini.*"));
        Assert.Equal([7], File.ReadAllBytes(Path.Combine(root, "local", "old.exe")));
    }

    [RootFact]
    public async Task S9_installer_killed_then_restart_recovery_is_consistent()
    {
        using var alpha = await ServeAsync("alpha");
        var games = Fresh("deep-small-client", "s9");
        var crashed = await GetAsync("deep-small-client", "cs16", games, environment: new Dictionary<string, string> { ["LANSPREAD_CRASH_AT"] = "install.after-unpack" });
        Assert.NotEqual(0, crashed.ExitCode);
        Assert.True(Directory.Exists(Path.Combine(games, "cs16", ".local.installing")));

        // Restart: the runtime's start-up recovery rolls back the interrupted install.
        using var restarted = Start("deep-small-client", ["serve", "--games", games, "--data", lan.Data("deep-small-client"), "--name", "restarted", "--no-mdns", "--listen", "127.0.0.1:0"]);
        await restarted.WaitForStderrAsync("serving", TimeSpan.FromSeconds(30));
        Assert.False(Directory.Exists(Path.Combine(games, "cs16", ".local.installing")));
        Assert.False(File.Exists(Path.Combine(games, "cs16", ".lanspread.json")));
        Assert.False(Directory.Exists(Path.Combine(games, "cs16", "local")));
        restarted.Terminate();
        await restarted.WaitForExitAsync(TimeSpan.FromSeconds(15));
        // The install streams behind the download, so the crash may come before the download's own commit: get
        // again resumes what is missing (nothing, or the commit) and installs.
        var again = await GetAsync("deep-small-client", "cs16", games);
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Equal(GameFixture.Manifest(lan.Cs16), GameFixture.Manifest(Path.Combine(games, "cs16", "local")));
    }

    [RootFact]
    public async Task S10_malformed_and_path_escaping_requests_are_refused_and_the_server_keeps_serving()
    {
        using var alpha = await ServeAsync("alpha");
        var target = $"{lan.Lan.Address("alpha")}:42420";
        var frames = new[]
        {
            "\\x00\\x00\\x00\\x05hello",
            Frame("""{"v":1,"type":"GetGameFileData","game":"cs16","path":"../../../etc/passwd"}"""),
            Frame("""{"v":1,"type":"GetGameFileData","game":"cs16","path":"/etc/shadow"}"""),
            Frame("""{"v":1,"type":"GetGameFileChunk","game":"cs16","path":"cs16.eti","offset":-5,"length":10}"""),
        };
        var codes = new List<string>();
        // Mutual TLS: the hand-made client presents a peer certificate like every peer does.
        var certificates = Fresh("deep-small-client", "s10-cert");
        LanSpread.Peer.Identity.PeerIdentity.LoadOrCreate(certificates);
        foreach (var frame in frames)
        {
            using var process = lan.Lan.RunRaw("deep-small-client", "bash", ["-c", RawRequestScript], new Dictionary<string, string>
            {
                ["FRAME"] = frame,
                ["TARGET"] = target,
                ["CERT"] = Path.Combine(certificates, LanSpread.Peer.Identity.PeerIdentity.CertificateFile),
                ["KEY"] = Path.Combine(certificates, LanSpread.Peer.Identity.PeerIdentity.KeyFile),
            });
            var reply = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            codes.Add(reply);
            output.WriteLine(reply);
        }

        Assert.Contains("malformed", codes[0], StringComparison.Ordinal);
        Assert.Contains("path_refused", codes[1], StringComparison.Ordinal);
        Assert.Contains("path_refused", codes[2], StringComparison.Ordinal);
        Assert.Contains("bad_range", codes[3], StringComparison.Ordinal);
        Assert.DoesNotContain("root:", string.Concat(codes), StringComparison.Ordinal);

        using (var garbage = lan.Lan.RunRaw("deep-small-client", "bash", ["-c", $"head -c 20000 /dev/urandom > /dev/tcp/{lan.Lan.Address("alpha")}/42420"]))
        {
            await garbage.WaitForExitAsync();
        }

        var games = Fresh("deep-small-client", "s10");
        Assert.Equal(0, (await GetAsync("deep-small-client", "cs16", games)).ExitCode);
    }

    [RootFact]
    public async Task S11_SetGameDir_rescans_and_re_announces()
    {
        var second = Fresh("alpha", "s11");
        GameFixture.Create(second, "quake3", "1.32", new Dictionary<string, byte[]> { ["q3.exe"] = [3] });
        using var alpha = await ServeAsync("alpha");
        await alpha.Process.StandardInput.WriteLineAsync($$"""{"command":"SetGameDir","path":"{{second}}"}""");
        await alpha.Process.StandardInput.FlushAsync();
        await alpha.WaitForLineAsync(l => l.Contains("\"GameDirChanged\"", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        var list = await RunAsync("deep-small-client", ["list", "--remote", "--games", Fresh("deep-small-client", "s11"), "--data", lan.Data("deep-small-client"), "--timeout", "3"]);
        var ids = JsonDocument.Parse(list.Stdout).RootElement.GetProperty("games").EnumerateArray().Select(g => g.GetProperty("id").GetString()).ToList();
        Assert.Equal(["quake3"], ids);
    }

    [RootFact]
    public async Task S12_a_game_copied_in_by_hand_appears_by_the_watcher_and_a_deep_change_by_the_fallback_scan()
    {
        var games = Fresh("alpha", "s12");
        using var alpha = await ServeAsync("alpha", games, "--rescan-interval", "3");
        var staging = Fresh("alpha", "s12-staging");
        GameFixture.Create(staging, "worms", "3.8", new Dictionary<string, byte[]> { ["worms.exe"] = [1] });
        Directory.Move(Path.Combine(staging, "worms"), Path.Combine(games, "worms"));
        await alpha.WaitForLineAsync(l => l.Contains("\"LocalLibraryChanged\"", StringComparison.Ordinal) && l.Contains("worms", StringComparison.Ordinal), TimeSpan.FromSeconds(10));

        Directory.CreateDirectory(Path.Combine(games, "worms", "data", "maps"));
        var before = alpha.Stdout.Split('\n').Count(l => l.Contains("\"LocalLibraryChanged\"", StringComparison.Ordinal));
        File.WriteAllBytes(Path.Combine(games, "worms", "data", "maps", "island.map"), new byte[123_456]);
        await alpha.WaitForLineAsync(l => l.Contains("\"LocalLibraryChanged\"", StringComparison.Ordinal) && l.Contains("\"size\":123", StringComparison.Ordinal), TimeSpan.FromSeconds(15));
        Assert.True(alpha.Stdout.Split('\n').Count(l => l.Contains("\"LocalLibraryChanged\"", StringComparison.Ordinal)) > before);
    }

    [RootFact]
    public async Task S13_bravo_to_deep_small_client()
    {
        using var bravo = await ServeAsync("bravo");
        var games = Fresh("deep-small-client", "s13");
        Assert.Equal(0, (await GetAsync("deep-small-client", "bfbc2", games)).ExitCode);
        Assert.Equal(GameFixture.Manifest(lan.Bfbc2), GameFixture.Manifest(Path.Combine(games, "bfbc2", "local")));
        AssertSameDownload(Path.Combine(lan.Games("bravo"), "bfbc2"), Path.Combine(games, "bfbc2"));
    }

    [RootFact]
    public async Task S14_alpha_and_deep_stage_b_both_serve_a_100MB_rar_to_deep_stage_c()
    {
        using var alpha = await ServeAsync("alpha");
        using var stageB = await ServeAsync("deep-stage-b");
        var games = Fresh("deep-stage-c", "s14");
        var stopwatch = Stopwatch.StartNew();
        var get = await GetAsync("deep-stage-c", "alienswarm", games, "--peers", "2");
        Assert.True(get.ExitCode == 0, get.Stderr);
        var archive = new FileInfo(Path.Combine(games, "alienswarm", "alienswarm.eti")).Length;
        Assert.True(archive > 100_000_000);
        var lines = get.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var servedBy = lines.Where(e => e.GetProperty("event").GetString() == "ChunkCompleted").Select(e => e.GetProperty("peer").GetString()).Distinct().Order().ToList();
        Assert.Equal(["alpha", "deep-stage-b"], servedBy);
        var split = lines.Single(e => e.GetProperty("event").GetString() == "DownloadGameFilesFinished").GetProperty("bytesByPeer");
        output.WriteLine($"S14: {archive / 1e6:0.0} MB archive in {stopwatch.Elapsed.TotalSeconds:0.0}s; split: " +
            string.Join(", ", split.EnumerateArray().Select(p => $"{p.GetProperty("peer").GetString()} {p.GetProperty("bytes").GetInt64() / 1e6:0.0} MB")));
        Assert.All(split.EnumerateArray(), p => Assert.True(p.GetProperty("bytes").GetInt64() > 10_000_000));
        Assert.Equal(GameFixture.Manifest(lan.AlienSwarm), GameFixture.Manifest(Path.Combine(games, "alienswarm", "local")));
        AssertSameDownload(Path.Combine(lan.Games("alpha"), "alienswarm"), Path.Combine(games, "alienswarm"));
    }

    /// <summary>
    /// Sends $FRAME (a printf format) to $TARGET over mutual TLS with openssl and prints the reply (at most
    /// 400 bytes). Stdin stays open until the whole reply frame (4-byte length, then the body) has arrived,
    /// or 30 s: closing it after a fixed second lost replies that came later on a loaded machine.
    /// </summary>
    private const string RawRequestScript = """
        out=$(mktemp)
        complete() {
          local size; size=$(stat -c %s "$out")
          [ "$size" -ge 4 ] || return 1
          set -- $(od -An -tu1 -N4 "$out")
          [ "$size" -ge $(( ($1 << 24) + ($2 << 16) + ($3 << 8) + $4 + 4 )) ]
        }
        { printf "$FRAME"; for _ in $(seq 600); do complete && break; sleep 0.05; done; } \
          | openssl s_client -connect "$TARGET" -tls1_3 -cert "$CERT" -key "$KEY" -quiet -no_ign_eof > "$out" 2>/dev/null
        head -c 400 "$out"
        rm -f "$out"
        """;

    /// <summary>A request frame as a printf format: the 4-byte big-endian length, then the JSON.</summary>
    private static string Frame(string json)
    {
        var length = System.Text.Encoding.UTF8.GetByteCount(json);
        return $"\\x00\\x00\\x{length >> 8:x2}\\x{length & 0xFF:x2}{json.Replace("%", "%%", StringComparison.Ordinal)}";
    }

    private static void AssertSameDownload(string source, string target) =>
        Assert.Equal(
            GameFixture.Manifest(source).Where(kv => !kv.Key.StartsWith("local/", StringComparison.Ordinal)),
            GameFixture.Manifest(target).Where(kv => !kv.Key.StartsWith("local/", StringComparison.Ordinal)));

    private string Fresh(string host, string name) => lan.Temp.Sub($"{host}/{name}-{Guid.NewGuid():N}"[..(host.Length + name.Length + 10)]);

    private CliProcess Start(string host, string[] args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var process = lan.Lan.Run(host, args, environment);
        _processes.Add(process);
        return process;
    }

    private async Task<CliProcess> ServeAsync(string host, string? games = null, params string[] extra)
    {
        var process = Start(host, ["serve", "--games", games ?? lan.Games(host), "--data", lan.Data(host), "--name", host, "--ping-interval", "1", "--set", "mdns.queryInterval=00:00:02", .. extra]);
        await process.WaitForStderrAsync("serving", TimeSpan.FromSeconds(60));
        // A peer listens before its library is hashed and answers "unknown game" for a game still hashing
        // (S10's path and range checks come after that one): the scenarios want a seeder that offers its games.
        await process.WaitForLineAsync(l => l.Contains("\"LibraryReady\"", StringComparison.Ordinal), TimeSpan.FromSeconds(120));
        return process;
    }

    private string[] GetArgs(string host, string game, string games, params string[] extra) =>
        ["get", game, "--games", games, "--data", lan.Data(host), "--name", host, "--json", "--listen", "0.0.0.0:0", .. extra.Contains("--timeout") ? extra : [.. extra, "--timeout", "120"]];

    private Task<CliProcess> GetAsync(string host, string game, string games, params string[] extra) => GetAsync(host, game, games, null, extra);

    private async Task<CliProcess> GetAsync(string host, string game, string games, IReadOnlyDictionary<string, string>? environment, params string[] extra)
    {
        var process = Start(host, GetArgs(host, game, games, extra), environment);
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
