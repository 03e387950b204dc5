using System.Text.Json;
using LanSpread.TestKit;
using Xunit;

namespace LanSpread.Cli.Tests.Manifest;

/// <summary>
/// Issue 22 (streaming install) between real processes on namespace hosts: the install runs behind the
/// download, a corrupt chunk stops neither the stream nor correctness, SIGKILL at random points of a
/// streaming update leaves the old install or the new one (never a mix), and a cancel mid-stream rolls the
/// install back while keeping the verified chunks.
/// </summary>
public sealed partial class ManifestProcessTests
{
    [RootFact]
    public async Task A_corrupt_chunk_mid_stream_stops_neither_the_streaming_install_nor_its_correctness()
    {
        var content = Content(11, 8, 4_000_000);
        var honest = GameFixture.Create(Fresh("seed-a", "stream-honest"), Game, "1", content);
        var bad = GameFixture.Create(Fresh("seed-b", "stream-bad"), Game, "1", content);
        Shape("seed-a", "100mbit");
        try
        {
            using var a = await ServeAsync("seed-a", Path.GetDirectoryName(honest)!, "--chunk-size", "1M");
            using var b = await ServeAsync("seed-b", Path.GetDirectoryName(bad)!, "--chunk-size", "1M");
            GameFixture.CorruptKeepingStamp(Path.Combine(bad, Game + ".eti")); // after its manifest was computed

            var games = Fresh("client", "stream-corrupt");
            var get = await GetAsync(games, ["seed-a", "seed-b"], "--peers", "2");
            Assert.True(get.ExitCode == 0, get.Stderr);
            var events = Events(get);
            var begin = events.FindIndex(e => Is(e, "InstallGameBegin"));
            var rejected = events.FindIndex(e => Is(e, "ChunkRejected"));
            var downloaded = events.FindIndex(e => Is(e, "DownloadGameFilesFinished"));
            var installed = events.FindIndex(e => Is(e, "InstallGameFinished"));
            output.WriteLine($"InstallGameBegin #{begin}, first ChunkRejected #{rejected}, DownloadGameFilesFinished #{downloaded}, InstallGameFinished #{installed} of {events.Count} events");
            Assert.True(begin >= 0 && begin < downloaded, "the install began before the download finished");
            Assert.True(rejected > begin && rejected < downloaded, "a chunk was rejected while the install streamed");
            Assert.Contains(events[begin..downloaded], e => Is(e, "InstallProgress") && e.GetProperty("bytesDone").GetInt64() > 0);
            Assert.True(installed > downloaded, "the install committed after the download");
            Assert.Equal(GameFixture.Manifest(content), GameFixture.Manifest(Path.Combine(games, Game, "local")));
            Assert.False(Directory.Exists(Path.Combine(games, Game, ".local.installing")));
        }
        finally
        {
            Unshape("seed-a");
        }
    }

    [RootFact]
    public async Task A_streaming_update_killed_at_random_points_leaves_the_old_install_or_the_new_never_a_mix()
    {
        var oldContent = Content(20, 6, 3_000_000);
        var newContent = Content(30, 6, 3_000_000);
        var seed = GameFixture.Create(Fresh("seed-a", "stream-kill"), Game, "2", newContent);
        var games = Fresh("client", "stream-kill");
        var root = GameFixture.Create(games, Game, "1", oldContent);
        var installedOld = await RunAsync("client", ["install", Game, "--games", games]);
        Assert.True(installedOld.ExitCode == 0, installedOld.Stderr);
        var oldManifest = GameFixture.Manifest(oldContent);
        var newManifest = GameFixture.Manifest(newContent);
        var chunks = (int)(new FileInfo(Path.Combine(seed, Game + ".eti")).Length / (1 << 20));
        Shape("seed-a", "100mbit");
        try
        {
            using var a = await ServeAsync("seed-a", Path.GetDirectoryName(seed)!, "--chunk-size", "1M");
            var random = new Random(2222);
            // Kill points: as the install begins, after a random number of verified chunks (several runs), and at
            // the download's commit (the install commits just after it).
            var points = new List<(string Event, int Count)> { ("InstallGameBegin", 1) };
            points.AddRange(Enumerable.Range(0, 3).Select(_ => ("ChunkCompleted", random.Next(1, Math.Max(2, chunks / 2)))));
            points.Add(("DownloadGameFilesFinished", 1));
            foreach (var (name, count) in points)
            {
                var run = Start("client", GetArgs(games, ["seed-a"]));
                var seen = 0;
                var killed = 0;
                run.Line += line =>
                {
                    if (line.Contains($"\"{name}\"", StringComparison.Ordinal) && Interlocked.Increment(ref seen) == count && Interlocked.Exchange(ref killed, 1) == 0)
                    {
                        run.Kill(); // SIGKILL: recovery has only the intent log and the progress record
                    }
                };
                await run.WaitForExitAsync(TimeSpan.FromMinutes(2));
                var local = Path.Combine(root, "local");
                var state = Directory.Exists(local) ? GameFixture.Manifest(local) : null;
                output.WriteLine($"killed at {name} #{count} (killed: {killed}, exit {run.ExitCode}): local/ is {(state is null ? "absent" : state.SequenceEqual(oldManifest) ? "the old install" : state.SequenceEqual(newManifest) ? "the new install" : "A MIX")}");
                Assert.NotNull(state);
                Assert.True(state.SequenceEqual(oldManifest) || state.SequenceEqual(newManifest), "local/ is neither the old install nor the new one");
                if (state.SequenceEqual(newManifest))
                {
                    break; // the kill came after the commit
                }
            }

            // Run to the end: the new version, installed; recovery removed the staging of the killed runs.
            var final = await GetAsync(games, ["seed-a"]);
            Assert.True(final.ExitCode == 0, final.Stderr);
            if (!GameFixture.Manifest(Path.Combine(root, "local")).SequenceEqual(newManifest))
            {
                // Killed between the download's commit and the install's: the download is current, so install it
                // (the installed version is not recorded apart from version.ini: issue 13's note).
                var install = await RunAsync("client", ["install", Game, "--games", games]);
                Assert.True(install.ExitCode == 0, install.Stderr);
            }

            Assert.Equal(newManifest, GameFixture.Manifest(Path.Combine(root, "local")));
            Assert.False(Directory.Exists(Path.Combine(root, ".local.installing")));
            Assert.False(Directory.Exists(Path.Combine(root, ".local.backup")));
            Assert.Equal("2", File.ReadAllText(Path.Combine(root, "version.ini")).Trim());
        }
        finally
        {
            Unshape("seed-a");
        }
    }

    [RootFact]
    public async Task A_streaming_install_cancelled_mid_way_rolls_back_and_the_resume_keeps_the_verified_chunks()
    {
        var content = Content(40, 10, 4_000_000);
        var seed = GameFixture.Create(Fresh("seed-a", "stream-cancel"), Game, "1", content);
        var total = new FileInfo(Path.Combine(seed, Game + ".eti")).Length;
        Shape("seed-a", "100mbit");
        try
        {
            using var a = await ServeAsync("seed-a", Path.GetDirectoryName(seed)!, "--chunk-size", "1M");
            var games = Fresh("client", "stream-cancel");
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
            var (failedLine, _) = await client.WaitForLineAsync(l => l.Contains("\"InstallGameFailed\"", StringComparison.Ordinal), TimeSpan.FromMinutes(2));
            Assert.Contains("did not complete", failedLine, StringComparison.Ordinal);
            var root = Path.Combine(games, Game);
            Assert.Contains("\"InstallGameBegin\"", client.Stdout, StringComparison.Ordinal);
            Assert.Contains("\"DownloadGameFilesCancelled\"", client.Stdout, StringComparison.Ordinal);
            Assert.False(Directory.Exists(Path.Combine(root, ".local.installing")));
            Assert.False(Directory.Exists(Path.Combine(root, "local")));
            Assert.False(File.Exists(Path.Combine(root, ".lanspread.json")));
            Assert.True(Directory.Exists(Path.Combine(root, ".lanspread.partial")));

            await DownloadAsync(client);
            await client.WaitForLineAsync(l => l.Contains("\"InstallGameFinished\"", StringComparison.Ordinal), TimeSpan.FromMinutes(2));
            var lines = client.Stdout.Split('\n');
            var pause = Array.FindIndex(lines, l => l.Contains("\"DownloadGameFilesCancelled\"", StringComparison.Ordinal));
            var again = ChunkBytes(lines.Skip(pause + 1));
            output.WriteLine($"game {total} bytes; the resumed streaming download fetched {again} ({100.0 * again / total:0.0}%)");
            Assert.True(again <= total * 60 / 100, $"the resumed download fetched {again} of {total} bytes");
            Assert.Equal(GameFixture.Manifest(content), GameFixture.Manifest(Path.Combine(root, "local")));
        }
        finally
        {
            Unshape("seed-a");
        }
    }
}
