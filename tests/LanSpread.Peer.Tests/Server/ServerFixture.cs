using LanSpread.TestKit;

namespace LanSpread.Peer.Tests.Server;

/// <summary>One serving peer with a downloaded catalog game, a game outside the catalog, and a symlink out.</summary>
public sealed class ServerFixture : IAsyncLifetimeFixture
{
    public TempDir Temp { get; } = new();

    public TestPeer Server { get; private set; } = null!;

    public byte[] Archive { get; private set; } = [];

    public async Task InitializeAsync()
    {
        var games = Temp.Sub("games");
        var root = GameFixture.Create(games, "alienswarm", "20240517", new Dictionary<string, byte[]> { ["bin/game.exe"] = GameFixture.Bytes(3_000_000, 1) },
            new Dictionary<string, byte[]> { ["cover.jpg"] = GameFixture.Bytes(1000, 2) });
        Archive = File.ReadAllBytes(Path.Combine(root, "alienswarm.eti"));
        GameFixture.Create(games, "homebrew", "1", new Dictionary<string, byte[]> { ["x"] = [1] });
        File.WriteAllText(Path.Combine(Temp.Path, "secret.txt"), "outside the game root");
        File.CreateSymbolicLink(Path.Combine(root, "link-out.txt"), Path.Combine(Temp.Path, "secret.txt"));
        Directory.CreateDirectory(Path.Combine(root, "local"));
        File.WriteAllText(Path.Combine(root, "local", "save.dat"), "installed files are never served");
        Server = await TestPeer.StartAsync(Temp, "server", games: games);
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Temp.Dispose();
    }
}
