using LanSpread.TestKit;

namespace LanSpread.Cli.Tests;

/// <summary>Real <c>lanspread serve</c> processes on loopback ports.</summary>
internal static class ProcessPeers
{
    public static async Task<(CliProcess Process, int Port)> ServeAsync(TempDir temp, string name, string games, params string[] extra)
    {
        // Port 0, read back from the log: a port picked free beforehand can be taken before serve binds it.
        var cli = CliProcess.Start(["serve", "--games", games, "--data", temp.Sub($"{name}-data"), "--name", name, "--listen", "127.0.0.1:0", "--no-mdns", .. extra]);
        var port = await cli.WaitForListenPortAsync(TimeSpan.FromSeconds(60));
        // Serving starts before the library is hashed; the tests want a seeder that already offers its games.
        await cli.WaitForLineAsync(l => l.Contains("\"LibraryReady\"", StringComparison.Ordinal), TimeSpan.FromSeconds(60));

        return (cli, port);
    }

    public static string[] GetArgs(TempDir temp, string game, string games, IEnumerable<int> peerPorts, params string[] extra) =>
    [
        "get", game, "--games", games, "--data", temp.Sub("client-data"), "--name", "client", "--listen", "127.0.0.1:0", "--no-mdns", "--json",
        .. peerPorts.SelectMany(p => new[] { "--peer", $"127.0.0.1:{p}" }), .. extra,
    ];
}
