using LanSpread.Peer.Runtime;
using LanSpread.TestKit;
using Xunit;

namespace LanSpread.Cli.Tests.Lan;

/// <summary>
/// <c>serve</c> and <c>get</c> in separate terminals of one machine, all with default options: the
/// same default port, the same default data directory, mDNS. A namespace host stands for the machine,
/// so the default port and multicast are this test's own.
/// </summary>
public sealed class OneMachineDefaultsTests
{
    [RootFact]
    public async Task Serve_and_get_with_default_options_on_one_machine_both_work()
    {
        using var temp = new TempDir();
        using var lan = new NetnsLan();
        lan.AddHost("box");
        var firstGames = temp.Sub("first-games");
        var secondGames = temp.Sub("second-games");
        GameFixture.Create(firstGames, "openttd", "14.1", new Dictionary<string, byte[]> { ["openttd.exe"] = GameFixture.Bytes(300_000, 3) });
        GameFixture.Create(secondGames, "quake3", "1.32", new Dictionary<string, byte[]> { ["quake3.exe"] = GameFixture.Bytes(300_000, 5), ["baseq3/pak0.pk3"] = GameFixture.Bytes(200_000, 6) });

        // Every process sees the same per-user data directory, as terminals of one user would.
        var home = new Dictionary<string, string> { ["XDG_DATA_HOME"] = temp.Sub("xdg-data") };
        var dataRoot = Path.Combine(home["XDG_DATA_HOME"], "lanspread");
        var first = lan.Run("box", ["serve", "--games", firstGames], home);
        await first.WaitForStderrAsync("serving", TimeSpan.FromSeconds(30));
        Assert.Contains($"on [::]:{PeerRuntimeOptions.DefaultPort}", first.Stderr, StringComparison.Ordinal);

        // A second serve finds port and data directory taken, takes others and says which.
        var second = lan.Run("box", ["serve", "--games", secondGames], home);
        await second.WaitForStderrAsync("serving", TimeSpan.FromSeconds(30));
        Assert.Contains($"Port {PeerRuntimeOptions.DefaultPort} is in use", second.Stderr, StringComparison.Ordinal);
        Assert.Contains($"using {dataRoot}-2", second.Stderr, StringComparison.Ordinal);

        // get: the game only the second peer has arrives, so mDNS advertised the port it really bound.
        var clientGames = temp.Sub("client-games");
        using var get = lan.Run("box", ["get", "quake3", "--games", clientGames, "--timeout", "60"], home);
        await get.WaitForExitAsync(TimeSpan.FromSeconds(90));
        Assert.True(get.ExitCode == 0, $"get exit {get.ExitCode}\nstderr:\n{get.Stderr}\nsecond serve:\n{second.Stderr}");
        Assert.Contains($"Port {PeerRuntimeOptions.DefaultPort} is in use", get.Stderr, StringComparison.Ordinal);
        Assert.Contains($"using {dataRoot}-3", get.Stderr, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(clientGames, "quake3", "local", "baseq3", "pak0.pk3")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(secondGames, "quake3", "quake3.eti")), File.ReadAllBytes(Path.Combine(clientGames, "quake3", "quake3.eti")));

        foreach (var serve in new[] { first, second })
        {
            serve.Terminate();
            await serve.WaitForExitAsync(TimeSpan.FromSeconds(15));
            Assert.Equal(0, serve.ExitCode);
        }
    }
}
