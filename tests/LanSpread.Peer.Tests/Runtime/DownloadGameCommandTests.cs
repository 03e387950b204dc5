using LanSpread.Core.Commands;
using LanSpread.Core.Events;
using LanSpread.Core.Model;
using LanSpread.TestKit;
using Xunit;

namespace LanSpread.Peer.Tests.Runtime;

/// <summary>
/// The one-command download (DownloadGame): details, transfer and install run inside the runtime, over
/// real peers on loopback; failures end with the same events the step-by-step commands give.
/// </summary>
public sealed class DownloadGameCommandTests
{
    private static Dictionary<string, byte[]> Content(int seed) =>
        Enumerable.Range(0, 3).ToDictionary(i => $"data/file{i}.bin", i => GameFixture.Bytes(400_000 + i * 777, seed + i));

    [Fact]
    public async Task One_command_fetches_the_details_downloads_and_installs_then_an_update_replaces_it()
    {
        await using var set = new TestPeerSet();
        var first = Content(40);
        GameFixture.Create(set.Temp.Sub("alpha-games"), "alienswarm", "1", first);
        var alpha = await set.StartAsync("alpha");
        var client = await set.StartAsync("client", alpha);
        await client.WaitForOffersAsync("alienswarm", 1);

        await client.Runtime.SendAsync(new DownloadGame("alienswarm"));

        await client.Log.WaitAsync<InstallGameFinished>(e => e.Game == "alienswarm" && e.Mode == InstallMode.Install, TimeSpan.FromSeconds(60));
        var order = client.Log.All.Where(e => e is GotGameFiles or DownloadGameFilesBegin or DownloadGameFilesFinished or InstallGameBegin or InstallGameFinished)
            .Select(e => e.GetType().Name).ToList();
        // The install streams behind the download (issue 22): it begins during the download and commits after it.
        Assert.Equal([nameof(GotGameFiles), nameof(DownloadGameFilesBegin), nameof(InstallGameBegin), nameof(DownloadGameFilesFinished), nameof(InstallGameFinished)], order);
        Assert.Equal(GameFixture.Manifest(first), GameFixture.Manifest(Path.Combine(client.GamesDir, "alienswarm", "local")));

        // The seeder moves to version 2: the same command is the update.
        await set.StopAsync(alpha);
        var second = Content(41);
        Directory.Delete(Path.Combine(set.Temp.Path, "alpha-games", "alienswarm"), recursive: true);
        GameFixture.Create(Path.Combine(set.Temp.Path, "alpha-games"), "alienswarm", "2", second);
        await set.StopAsync(client);
        await using var alpha2 = await TestPeer.StartAsync(set.Temp, "alpha2", games: Path.Combine(set.Temp.Path, "alpha-games"));
        await using var updater = await TestPeer.StartAsync(set.Temp, "client2", peers: [alpha2], games: client.GamesDir);
        await updater.WaitForOffersAsync("alienswarm", 1);
        await Poll.UntilAsync(() => updater.Runtime.PeerGameDb.LatestVersion("alienswarm") == "2", TimeSpan.FromSeconds(20), "the update announced");

        await updater.Runtime.SendAsync(new DownloadGame("alienswarm"));

        var finished = await updater.Log.WaitAsync<DownloadGameFilesFinished>(e => e.Game == "alienswarm", TimeSpan.FromSeconds(60));
        Assert.Equal("2", finished.Version);
        await updater.Log.WaitAsync<InstallGameFinished>(e => e.Game == "alienswarm" && e.Mode == InstallMode.Update, TimeSpan.FromSeconds(60));
        Assert.Equal(GameFixture.Manifest(second), GameFixture.Manifest(Path.Combine(updater.GamesDir, "alienswarm", "local")));
    }

    [Fact]
    public async Task A_game_no_peer_offers_ends_with_NoPeersHaveGame_and_starts_no_transfer()
    {
        await using var set = new TestPeerSet();
        GameFixture.Create(set.Temp.Sub("alpha-games"), "alienswarm", "1", Content(42));
        var alpha = await set.StartAsync("alpha");
        var client = await set.StartAsync("client", alpha);
        await client.WaitForOffersAsync("alienswarm", 1);

        var end = await client.DownloadAsync("portal2", TimeSpan.FromSeconds(30));

        Assert.Equal(new NoPeersHaveGame("portal2"), end);
        Assert.Empty(client.Log.OfType<DownloadGameFilesBegin>());
        Assert.False(Directory.Exists(Path.Combine(client.GamesDir, "portal2")));
    }

    [Fact]
    public async Task A_bad_game_id_is_refused_by_name_and_touches_nothing()
    {
        await using var set = new TestPeerSet();
        var client = await set.StartAsync("client");
        var before = Directory.GetFileSystemEntries(client.GamesDir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();

        await client.Runtime.SendAsync(new DownloadGame("../escape"));

        var failed = await client.Log.WaitAsync<CommandFailed>(e => e.Command == nameof(DownloadGame));
        Assert.Contains("not a game id", failed.Reason, StringComparison.Ordinal);
        Assert.Empty(client.Log.OfType<NoPeersHaveGame>());
        Assert.Equal(before, Directory.GetFileSystemEntries(client.GamesDir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList());
        Assert.False(Directory.Exists(Path.Combine(set.Temp.Path, "escape")));
    }

    [Fact]
    public async Task Without_AllowDowngrade_a_newer_version_here_is_kept_and_with_it_replaced()
    {
        await using var set = new TestPeerSet();
        var older = Content(43);
        GameFixture.Create(set.Temp.Sub("alpha-games"), "alienswarm", "1", older);
        GameFixture.Create(set.Temp.Sub("client-games"), "alienswarm", "5", Content(44));
        var alpha = await set.StartAsync("alpha");
        var client = await set.StartAsync("client", alpha);
        await client.WaitForOffersAsync("alienswarm", 1);

        await client.Runtime.SendAsync(new DownloadGame("alienswarm"));
        var refused = await client.Log.WaitAsync<DownloadGameFilesFailed>(e => e.Game == "alienswarm", TimeSpan.FromSeconds(30));
        Assert.Contains("not downgrading", refused.Reason, StringComparison.Ordinal);
        Assert.Equal("5", client.Runtime.Library.Find("alienswarm")?.Game.Version);

        await client.Runtime.SendAsync(new DownloadGame("alienswarm", AllowDowngrade: true));
        var finished = await client.Log.WaitAsync<DownloadGameFilesFinished>(e => e.Game == "alienswarm", TimeSpan.FromSeconds(60));
        Assert.Equal("1", finished.Version);
    }
}
