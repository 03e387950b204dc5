using LanSpread.Core.Commands;
using LanSpread.Core.Events;
using LanSpread.Core.Model;
using LanSpread.Peer.Protocol;
using LanSpread.TestKit;
using Xunit;

namespace LanSpread.Peer.Tests.Security;

/// <summary>A hostile peer speaking the real protocol, next to an honest one, against a real client peer.</summary>
public sealed class HostilePeerTests
{
    private static readonly string[] BadIds = ["../x", "/abs/x", "a/b", "..", new string('a', GameId.MaxLength + 1), "X", ".hidden", "a\0b"];

    [Fact]
    public async Task Invalid_ids_and_unsafe_file_lists_are_dropped_the_peer_stays_and_the_honest_game_downloads()
    {
        await using var set = new TestPeerSet();
        var content = new Dictionary<string, byte[]> { ["a.bin"] = GameFixture.Bytes(300_000, 1), ["b.bin"] = GameFixture.Bytes(5_000, 2) };
        var honestRoot = GameFixture.Create(set.Temp.Sub("alpha-games"), "cs16", "1", content);
        var alpha = await set.StartAsync("alpha");
        await using var hostile = await HostilePeer.StartAsync(alpha, set.Temp, request => request.Type switch
        {
            RequestType.Ping => HostilePeer.Ok() with { Name = "mallory" },
            RequestType.ListGames => HostilePeer.Ok() with { Games = [.. BadIds.Select(id => new GameSummary(id, "1", 10)), new GameSummary("cs16", "1", 10), new GameSummary("cs16", "9", 10)] },
            // The same game and version as the honest peer, but a file list that leaves the game root.
            RequestType.GetGame => HostilePeer.Ok() with { Details = new GameDetails("cs16", "1", [new GameFileDescription("version.ini", 2, false), new GameFileDescription("../../escape.bin", 10, false)]) },
            _ => null,
        });
        var clientGames = set.Temp.Sub("client-games");
        var client = await TestPeer.StartAsync(set.Temp, "client", [alpha], extraPeers: [hostile.EndPoint], games: clientGames);
        try
        {
            await client.WaitForOffersAsync("cs16", 2);

            // The hostile peer stays a member; only its invalid entries are gone.
            Assert.Contains(client.Runtime.PeerGameDb.Peers(), p => p.PeerId == hostile.Credentials.PeerId);
            foreach (var id in BadIds)
            {
                Assert.Null(client.Runtime.PeerGameDb.LatestVersion(id));
            }

            Assert.All(client.Runtime.PeerGameDb.Merge(GameDB.Empty, LanSpread.Peer.Library.GameCatalog.LoadBundled()), g => Assert.True(GameId.IsValid(g.Id), g.Id));
            Assert.Equal("1", client.Runtime.PeerGameDb.LatestVersion("cs16")); // "cs16" listed twice: the first entry counts

            var done = await client.DownloadAsync("cs16");
            var finished = Assert.IsType<DownloadGameFilesFinished>(done);
            Assert.Equal("1", finished.Version);
            var got = client.Log.OfType<GotGameFiles>().Single();
            Assert.DoesNotContain(got.Peers, p => p.PeerId == hostile.Credentials.PeerId); // its details were refused
            await client.Log.WaitAsync<InstallGameFinished>(e => e.Game == "cs16");
            Assert.Equal(GameFixture.Manifest(honestRoot), GameFixture.Manifest(Path.Combine(clientGames, "cs16")).Where(kv => !kv.Key.StartsWith("local/", StringComparison.Ordinal) && !kv.Key.StartsWith('.')).ToDictionary());
            Assert.Equal(GameFixture.Manifest(content), GameFixture.Manifest(Path.Combine(clientGames, "cs16", "local")));

            // Ids that break the rule are refused as commands too, before anything touches the disk.
            foreach (var id in BadIds)
            {
                await client.Runtime.SendAsync(new GetGame(id));
                await client.Runtime.SendAsync(new DownloadGameFiles(id, [new GameFileDescription("version.ini", 2, false)]));
            }

            await PollAsync(() => client.Log.OfType<CommandFailed>().Count(e => e.Reason.Contains("is not a game id", StringComparison.Ordinal)) == BadIds.Length * 2);
            Assert.Equal(["cs16"], Directory.EnumerateFileSystemEntries(clientGames).Select(p => Path.GetFileName(p)!).ToArray());
            // Nothing beside the peers' own folders appeared in the directory holding the game directories.
            Assert.All(Directory.EnumerateFileSystemEntries(set.Temp.Path).Select(Path.GetFileName), name =>
                Assert.True(name!.EndsWith("-games", StringComparison.Ordinal) || name.EndsWith("-data", StringComparison.Ordinal) || name.StartsWith("hostile-", StringComparison.Ordinal), name));
            Assert.False(File.Exists(Path.Combine(set.Temp.Path, "escape.bin")));
            Assert.False(Directory.Exists("/abs"));
            Assert.Contains(client.Runtime.PeerGameDb.Peers(), p => p.PeerId == hostile.Credentials.PeerId);
        }
        finally
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_hashing_list_is_kept_bounded_and_only_with_valid_distinct_ids()
    {
        await using var set = new TestPeerSet();
        var alpha = await set.StartAsync("alpha");
        // Far more ids than the bound, bad ones and duplicates among them, before the one a get would wait for.
        string[] hashing = [.. BadIds, .. Enumerable.Range(0, 3 * ProtocolConstants.MaxHashingIds).Select(i => $"game{i % (2 * ProtocolConstants.MaxHashingIds)}"), "cs16"];
        await using var hostile = await HostilePeer.StartAsync(alpha, set.Temp, request => request.Type switch
        {
            RequestType.Ping => HostilePeer.Ok() with { Name = "mallory" },
            RequestType.ListGames => HostilePeer.Ok() with { Games = [], Hashing = hashing },
            _ => null,
        });
        var client = await TestPeer.StartAsync(set.Temp, "client", [alpha], extraPeers: [hostile.EndPoint]);
        try
        {
            await PollAsync(() => client.Runtime.PeerGameDb.Peers().Any(p => p.PeerId == hostile.Credentials.PeerId));
            var kept = Assert.Single(client.Runtime.PeerGameDb.Hashing()).Value;
            Assert.Equal(ProtocolConstants.MaxHashingIds, kept.Count);
            Assert.Equal(kept.Count, kept.Distinct(StringComparer.Ordinal).Count());
            Assert.All(kept, id => Assert.True(GameId.IsValid(id), id));
            Assert.Contains(client.Runtime.PeerGameDb.PeersHashing("game0"), p => p.PeerId == hostile.Credentials.PeerId);
            Assert.Empty(client.Runtime.PeerGameDb.PeersHashing("cs16")); // past the bound: dropped, not kept
            Assert.Null(client.Runtime.PeerGameDb.LatestVersion("game0")); // pending is not offered
        }
        finally
        {
            await client.DisposeAsync();
        }
    }

    private static async Task PollAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 20 s");
            await Task.Delay(20);
        }
    }
}
