using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using LanSpread.TestKit;
using Xunit;

namespace LanSpread.Cli.Tests;

/// <summary>The real <c>lanspread</c> executable: verbs, JSON output, exit codes, usage errors.</summary>
public sealed class CliVerbTests
{
    private static readonly JsonSerializerOptions WebJson = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Plugins_lists_the_six_plugins_with_status()
    {
        using var cli = await CliProcess.RunAsync(["plugins", "--json"]);
        Assert.Equal(0, cli.ExitCode);
        var parts = cli.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(6, parts.Count);
        Assert.Equal(["Discovery.Mdns", "Planner.Adaptive", "Planner.RoundRobin", "Transport.Quic", "Transport.Tls", "Unpack.Rar"], parts.Select(p => p.GetProperty("plugin").GetString()).Order());
        var quic = parts.Single(p => p.GetProperty("name").GetString() == "quic");
        if (!System.Net.Quic.QuicListener.IsSupported)
        {
            Assert.Equal("NotSupported", quic.GetProperty("status").GetString());
            Assert.Contains("libmsquic", quic.GetProperty("reason").GetString(), StringComparison.Ordinal);
        }

        Assert.All(parts.Where(p => p.GetProperty("name").GetString() != "quic"), p => Assert.Equal("Active", p.GetProperty("status").GetString()));
    }

    [Fact]
    public void The_cli_build_carries_no_satellite_language_assemblies()
    {
        // System.CommandLine ships 13 languages; the CLI speaks English only (SatelliteResourceLanguages),
        // and publish copies the same set as the build.
        var output = Path.GetDirectoryName(Repo.CliDll)!;
        Assert.True(File.Exists(Repo.CliDll));
        Assert.Empty(Directory.EnumerateFiles(output, "*.resources.dll", SearchOption.AllDirectories));
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
    public async Task List_prints_the_local_library_in_the_event_shape_and_says_how_to_share_uncatalogued_games()
    {
        using var temp = new TempDir();
        GameFixture.Create(temp.Path, "bfbc2", "5", new Dictionary<string, byte[]> { ["a"] = [1] });
        GameFixture.Create(temp.Path, "homebrew", "1", new Dictionary<string, byte[]> { ["a"] = [1] });
        using var cli = await CliProcess.RunAsync(["list", "--games", temp.Path]);
        Assert.Equal(0, cli.ExitCode);
        var root = JsonDocument.Parse(cli.Stdout).RootElement;
        var games = root.GetProperty("games").EnumerateArray().ToDictionary(g => g.GetProperty("id").GetString()!);
        Assert.Equal("5", games["bfbc2"].GetProperty("localVersion").GetString());
        Assert.True(games["bfbc2"].GetProperty("isDownloaded").GetBoolean());
        Assert.True(games["bfbc2"].GetProperty("inCatalog").GetBoolean());
        Assert.Equal("Battlefield: Bad Company 2", games["bfbc2"].GetProperty("name").GetString());
        Assert.False(games["homebrew"].GetProperty("inCatalog").GetBoolean());
        var note = Assert.Single(root.GetProperty("notes").EnumerateArray()).GetString()!;
        Assert.StartsWith("homebrew: not in catalog", note, StringComparison.Ordinal);
        Assert.Contains("--catalog FILE", note, StringComparison.Ordinal);

        // The same fields as a game in a LibrarySnapshot event (and in list --remote).
        var snapshotGame = JsonDocument.Parse(System.Text.Json.JsonSerializer.Serialize(
            new LanSpread.Core.Model.Game("x", "x", "", "", 0, 0, null, null, false, false, 0, false), WebJson)).RootElement;
        Assert.Equal(snapshotGame.EnumerateObject().Select(p => p.Name).Order(), games["bfbc2"].EnumerateObject().Select(p => p.Name).Order());

        // Adding it with --catalog makes it a catalog game, and `catalog` lists it among the bundled ones.
        using var other = new TempDir();
        var catalog = Path.Combine(other.Path, "catalog.json");
        File.WriteAllText(catalog, """{"games": [{"id": "homebrew", "name": "Homebrew Arena"}]}""");
        {
            using var again = await CliProcess.RunAsync(["list", "--games", temp.Path, "--catalog", catalog]);
            Assert.Equal(0, again.ExitCode);
            var homebrew = JsonDocument.Parse(again.Stdout).RootElement.GetProperty("games").EnumerateArray().Single(g => g.GetProperty("id").GetString() == "homebrew");
            Assert.True(homebrew.GetProperty("inCatalog").GetBoolean());
            Assert.Equal("Homebrew Arena", homebrew.GetProperty("name").GetString());

            using var entries = await CliProcess.RunAsync(["catalog", "--catalog", catalog, "--json"]);
            Assert.Equal(0, entries.ExitCode);
            var ids = entries.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()).ToList();
            Assert.Contains("homebrew", ids);
            Assert.Contains("bfbc2", ids);
            Assert.Contains("openttd", ids);
        }
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
    public async Task Demo_clients_feed_each_other_and_every_client_installs_the_source_byte_for_byte()
    {
        // The demo as a user runs it (real peers in one process, TLS over loopback sockets), with the
        // tree kept so the installs can be checked here, independently of the demo's own verification.
        using var temp = new TempDir();
        using var cli = await CliProcess.RunAsync(["demo", "--dir", temp.Path, "--size", "8M", "--clients", "3"], TimeSpan.FromMinutes(2));
        Assert.True(cli.ExitCode == 0, cli.Stderr);
        Assert.Contains("Verified: on each of the 3 clients", cli.Stderr, StringComparison.Ordinal);
        var lines = cli.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var clients = new[] { "demo-client-1", "demo-client-2", "demo-client-3" };

        // Every client's events are tagged with it, and each one downloaded and installed.
        foreach (var client in clients)
        {
            var own = lines.Where(l => l.TryGetProperty("client", out var c) && c.GetString() == client).Select(l => l.GetProperty("event").GetString()).ToList();
            Assert.Contains("DownloadGameFilesFinished", own);
            Assert.Contains("InstallGameFinished", own);
        }

        // The summary: the clients served each other (partial peers contributed), and every client verified.
        var summary = lines[^1];
        Assert.Equal("DemoSummary", summary.GetProperty("event").GetString());
        var rows = summary.GetProperty("clients").EnumerateArray().ToList();
        Assert.Equal(clients, rows.Select(r => r.GetProperty("client").GetString()));
        Assert.All(rows, r => Assert.True(r.GetProperty("verified").GetBoolean()));
        Assert.Contains(rows, r => r.GetProperty("fromClients").GetInt64() > 0);
        Assert.True(rows.Sum(r => r.GetProperty("fromClients").GetInt64()) > 0, "no client got a byte from another client");
        Assert.All(rows, r => Assert.True(r.GetProperty("fromSeeder").GetInt64() + r.GetProperty("fromClients").GetInt64() >= summary.GetProperty("gameBytes").GetInt64() - 64));
        Assert.True(summary.GetProperty("seederAloneSeconds").GetDouble() > 0);

        // The demo's own check, repeated: every client's installed tree equals the sample source.
        var source = Manifest(Path.Combine(temp.Path, "seeder", "sample-source"));
        Assert.NotEmpty(source);
        foreach (var number in new[] { 1, 2, 3 })
        {
            Assert.Equal(source, Manifest(Path.Combine(temp.Path, $"client-{number}", "games", "openttd", "local")));
        }
    }

    [Fact]
    public async Task Demo_in_a_temporary_tree_removes_it_unless_asked_to_keep_it()
    {
        using var tmp = new TempDir();
        var environment = new Dictionary<string, string> { ["TMPDIR"] = tmp.Path };
        using var removed = await CliProcess.RunAsync(["demo", "--size", "4M"], TimeSpan.FromMinutes(2), environment);
        Assert.True(removed.ExitCode == 0, removed.Stderr);
        Assert.Contains("Verified", removed.Stderr, StringComparison.Ordinal);
        Assert.Contains("Removed the demo tree", removed.Stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(tmp.Path, "lanspread-demo-*"));

        using var kept = await CliProcess.RunAsync(["demo", "--size", "4M", "--keep"], TimeSpan.FromMinutes(2), environment);
        Assert.True(kept.ExitCode == 0, kept.Stderr);
        var tree = Assert.Single(Directory.EnumerateDirectories(tmp.Path, "lanspread-demo-*"));
        Assert.True(File.Exists(Path.Combine(tree, "client-1", "games", "openttd", "local", "game.exe")));
        Assert.Contains(tree, kept.Stderr, StringComparison.Ordinal);
    }

    /// <summary>Relative path and SHA-256 of every file under <paramref name="root"/>, sorted.</summary>
    private static List<string> Manifest(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => $"{Path.GetRelativePath(root, f)} {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f)))}")
            .Order(StringComparer.Ordinal)
            .ToList();
}
