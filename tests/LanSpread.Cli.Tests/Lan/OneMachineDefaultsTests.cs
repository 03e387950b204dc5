using LanSpread.TestKit;
using Xunit;

namespace LanSpread.Cli.Tests.Lan;

/// <summary>
/// <c>serve</c> in one terminal and <c>get</c> in another, on one machine, both with default options:
/// the same default port, the same default data directory, mDNS. A namespace host stands for the
/// machine, so the default port and multicast are this test's own.
/// </summary>
public sealed class OneMachineDefaultsTests
{
    [RootFact]
    public async Task Serve_and_get_with_default_options_on_one_machine_both_work()
    {
        using var temp = new TempDir();
        using var lan = new NetnsLan();
        lan.AddHost("box");
        var seederGames = temp.Sub("seeder-games");
        GameFixture.Create(seederGames, "openttd", "14.1", new Dictionary<string, byte[]> { ["openttd.exe"] = GameFixture.Bytes(300_000, 3), ["data/base.tar"] = GameFixture.Bytes(200_000, 4) });

        // Both processes see the same per-user data directory, as two terminals of one user would.
        var home = new Dictionary<string, string> { ["XDG_DATA_HOME"] = temp.Sub("xdg-data") };
        var serve = lan.Run("box", ["serve", "--games", seederGames], home);
        await serve.WaitForStderrAsync("serving", TimeSpan.FromSeconds(30));
        Assert.Contains($"on [::]:{Peer.Runtime.PeerRuntimeOptions.DefaultPort}", serve.Stderr, StringComparison.Ordinal);

        using var get = lan.Run("box", ["get", "openttd", "--games", temp.Sub("client-games"), "--timeout", "60"], home);
        await get.WaitForExitAsync(TimeSpan.FromSeconds(90));
        Assert.True(get.ExitCode == 0, $"get exit {get.ExitCode}\nstderr:\n{get.Stderr}\nserve stderr:\n{serve.Stderr}");

        // It said which port and which data directory it took instead of the taken ones.
        Assert.Contains($"Port {Peer.Runtime.PeerRuntimeOptions.DefaultPort} is in use", get.Stderr, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(home["XDG_DATA_HOME"], "lanspread-2"), get.Stderr, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(temp.Path, "client-games", "openttd", "local", "openttd.exe")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(seederGames, "openttd", "openttd.eti")), File.ReadAllBytes(Path.Combine(temp.Path, "client-games", "openttd", "openttd.eti")));

        serve.Terminate();
        await serve.WaitForExitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(0, serve.ExitCode);
    }
}
