using System.Text.Json;
using LanSpread.TestKit;
using Xunit;

namespace LanSpread.Cli.Tests;

/// <summary>Downloads between real processes on loopback, including peers killed with SIGKILL mid-transfer.</summary>
public sealed class TransferProcessTests
{
    private static Dictionary<string, byte[]> BigGame(int seed) =>
        Enumerable.Range(0, 6).ToDictionary(i => $"data/pak{i}.bin", i => GameFixture.Bytes(20_000_000, seed + i));

    [Fact]
    public async Task Get_downloads_and_installs_from_a_serving_process_with_jsonl_events()
    {
        using var temp = new TempDir();
        var content = new Dictionary<string, byte[]> { ["bin/game.exe"] = GameFixture.Bytes(2_000_000, 1), ["cfg/a.cfg"] = [1, 2] };
        var root = GameFixture.Create(temp.Sub("bravo"), "bfbc2", "20100302", content);
        var (bravo, port) = await ProcessPeers.ServeAsync(temp, "bravo", Path.GetDirectoryName(root)!);
        using var bravoProcess = bravo;
        using var get = await CliProcess.RunAsync(ProcessPeers.GetArgs(temp, "bfbc2", temp.Sub("client"), [port], "--timeout", "60"));
        Assert.True(get.ExitCode == 0, get.Stderr);
        var events = get.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.All(events, e => Assert.True(e.TryGetProperty("event", out _)));
        var names = events.Select(e => e.GetProperty("event").GetString()).ToList();
        Assert.True(names.IndexOf("DownloadGameFilesBegin") < names.IndexOf("DownloadGameFilesFinished"));
        Assert.True(names.IndexOf("DownloadGameFilesFinished") < names.IndexOf("InstallGameFinished"));
        Assert.Equal(GameFixture.Manifest(content), GameFixture.Manifest(Path.Combine(temp.Path, "client", "bfbc2", "local")));

        bravo.Terminate();
        await bravo.WaitForExitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(0, bravo.ExitCode); // SIGTERM is a clean stop
    }

    [Fact]
    public async Task A_serving_process_downloads_and_installs_on_one_DownloadGame_command_on_stdin()
    {
        using var temp = new TempDir();
        var content = new Dictionary<string, byte[]> { ["bin/game.exe"] = GameFixture.Bytes(1_500_000, 7), ["cfg/a.cfg"] = [4, 2] };
        var root = GameFixture.Create(temp.Sub("bravo"), "bfbc2", "20100302", content);
        var (bravo, port) = await ProcessPeers.ServeAsync(temp, "bravo", Path.GetDirectoryName(root)!);
        using var bravoProcess = bravo;
        var (client, _) = await ProcessPeers.ServeAsync(temp, "client", temp.Sub("client"), "--peer", $"127.0.0.1:{port}");
        using var clientProcess = client;
        await client.WaitForLineAsync(l => l.Contains("\"PeerDiscovered\"", StringComparison.Ordinal), TimeSpan.FromSeconds(30));

        await client.Process.StandardInput.WriteLineAsync("""{"command":"DownloadGame","id":"bfbc2"}""");
        await client.Process.StandardInput.FlushAsync();

        await client.WaitForLineAsync(l => l.Contains("\"InstallGameFinished\"", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        var names = client.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("event").GetString()).ToList();
        Assert.True(names.IndexOf("GotGameFiles") < names.IndexOf("DownloadGameFilesBegin"), string.Join(", ", names));
        Assert.True(names.IndexOf("DownloadGameFilesBegin") < names.IndexOf("DownloadGameFilesFinished"));
        Assert.True(names.IndexOf("DownloadGameFilesFinished") < names.IndexOf("InstallGameFinished"));
        Assert.DoesNotContain("CommandFailed", names);
        Assert.Equal(GameFixture.Manifest(content), GameFixture.Manifest(Path.Combine(temp.Path, "client", "bfbc2", "local")));
    }

    [Fact]
    public async Task Get_for_a_game_nobody_has_times_out_with_a_final_event()
    {
        using var temp = new TempDir();
        var (bravo, port) = await ProcessPeers.ServeAsync(temp, "bravo", temp.Sub("bravo"));
        using var bravoProcess = bravo;
        using var get = await CliProcess.RunAsync(ProcessPeers.GetArgs(temp, "bfbc2", temp.Sub("client"), [port], "--timeout", "3"));
        Assert.Equal(4, get.ExitCode);
        var last = JsonDocument.Parse(get.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).RootElement;
        Assert.Equal("DownloadGameFilesFailed", last.GetProperty("event").GetString());
        Assert.Contains("timed out", last.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_serving_process_killed_mid_download_leaves_the_download_to_the_other()
    {
        using var temp = new TempDir();
        var content = BigGame(10);
        var alphaGames = temp.Sub("alpha");
        var bravoGames = temp.Sub("bravo");
        GameFixture.Create(alphaGames, "alienswarm", "1", content);
        CopyTree(Path.Combine(alphaGames, "alienswarm"), Path.Combine(bravoGames, "alienswarm"));
        var (alpha, alphaPort) = await ProcessPeers.ServeAsync(temp, "alpha", alphaGames);
        var (bravo, bravoPort) = await ProcessPeers.ServeAsync(temp, "bravo", bravoGames);
        using var a = alpha;
        using var b = bravo;

        using var get = CliProcess.Start(ProcessPeers.GetArgs(temp, "alienswarm", temp.Sub("client"), [alphaPort, bravoPort], "--peers", "2", "--chunk-size", "256K", "--timeout", "120"));
        var killed = 0;
        get.Line += line =>
        {
            if (line.Contains("\"ChunkCompleted\"", StringComparison.Ordinal) && line.Contains("\"peer\":\"bravo\"", StringComparison.Ordinal) && Interlocked.Exchange(ref killed, 1) == 0)
            {
                bravo.Kill(); // SIGKILL
            }
        };
        await get.WaitForExitAsync(TimeSpan.FromMinutes(2));
        Assert.True(get.ExitCode == 0, get.Stderr);
        Assert.Equal(1, killed);
        Assert.Equal(GameFixture.Manifest(content), GameFixture.Manifest(Path.Combine(temp.Path, "client", "alienswarm", "local")));
        var finished = get.Stdout.Split('\n').Single(l => l.Contains("\"DownloadGameFilesFinished\"", StringComparison.Ordinal));
        Assert.Contains("alpha", finished, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_serving_process_killed_fails_cleanly_and_keeps_the_previous_install()
    {
        using var temp = new TempDir();
        var clientGames = temp.Sub("client");
        var clientRoot = GameFixture.Create(clientGames, "alienswarm", "1", new Dictionary<string, byte[]> { ["old.txt"] = [1] });
        Directory.CreateDirectory(Path.Combine(clientRoot, "local"));
        File.WriteAllBytes(Path.Combine(clientRoot, "local", "old.txt"), [1]);
        var alphaGames = temp.Sub("alpha");
        GameFixture.Create(alphaGames, "alienswarm", "2", BigGame(20));
        // At 2 MB/s the game takes 10 s or more: the kill at the first chunk cannot race a loopback download
        // that finishes first, however late the test reads the chunk line. The kill ends it early.
        var (alpha, port) = await ProcessPeers.ServeAsync(temp, "alpha", alphaGames, "--max-upload-rate", "2M");
        using var a = alpha;

        using var get = CliProcess.Start(ProcessPeers.GetArgs(temp, "alienswarm", clientGames, [port], "--chunk-size", "256K", "--timeout", "120"));
        get.Line += line =>
        {
            if (line.Contains("\"ChunkCompleted\"", StringComparison.Ordinal))
            {
                alpha.Kill();
            }
        };
        await get.WaitForExitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(5, get.ExitCode);
        Assert.Contains("\"DownloadGameFilesFailed\"", get.Stdout, StringComparison.Ordinal);
        Assert.Equal("1", File.ReadAllText(Path.Combine(clientRoot, "version.ini")).Trim()); // the update was staged: the held version stays
        Assert.False(File.Exists(Path.Combine(clientRoot, ".version.ini.tmp")));
        Assert.False(File.Exists(Path.Combine(clientRoot, ".version.ini.discarded")));
        Assert.Equal([1], File.ReadAllBytes(Path.Combine(clientRoot, "local", "old.txt")));
    }

    internal static void CopyTree(string from, string to)
    {
        foreach (var directory in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        }

        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }
}
