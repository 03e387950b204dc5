using System.Diagnostics;
using LanSpread.Core.Events;
using LanSpread.Peer.Tests.Server;
using LanSpread.TestKit;
using Xunit;

namespace LanSpread.Peer.Tests.Swarm;

/// <summary>
/// Swarming, server side (DESIGN F.2), between real peers over TLS on loopback: a peer that is
/// downloading answers GetChunkMap with the verified chunks it holds and serves exactly those, from
/// its staged files; everything else it refuses. The seeder's upload limit keeps the download slow,
/// so the partial peer is observed mid-way without racing it.
/// </summary>
public sealed class PartialServingTests
{
    private const string Game = "alienswarm";

    [Fact]
    public async Task A_downloading_peer_announces_its_verified_chunks_and_serves_only_those()
    {
        await using var set = new TestPeerSet();
        var big = GameFixture.Bytes(6 * 1024 * 1024, 41);
        GameFixture.Create(set.Temp.Sub("seed-games"), Game, "1", new Dictionary<string, byte[]> { ["readme.txt"] = [1, 2, 3] },
            new Dictionary<string, byte[]> { ["data/big.bin"] = big });
        var seed = await set.StartAsync("seed", o => o.MaxUploadRate = 1024 * 1024); // 6+ s for the whole game
        var partial = await set.StartAsync("partial", seed);
        await partial.WaitForOffersAsync(Game, 1);
        await partial.BeginDownloadAsync(Game);
        var first = await partial.Log.WaitAsync<ChunkCompleted>(c => c.File == "data/big.bin", TimeSpan.FromSeconds(30));

        await using var toSeed = await RawClient.ConnectAsync(seed, set.Temp);
        var (seedDetails, _) = await toSeed.RequestAsync("""{"v":1,"type":"GetGame","game":"alienswarm"}""");
        var order = seedDetails!.Value.GetProperty("details").GetProperty("manifest").GetProperty("files").EnumerateArray()
            .SelectMany(f => f.GetProperty("chunks").EnumerateArray().Select(c => (Path: f.GetProperty("relativePath").GetString()!, Offset: c.TryGetProperty("offset", out var o) ? o.GetInt64() : 0, Length: c.GetProperty("length").GetInt64())))
            .ToList();
        await using var raw = await RawClient.ConnectAsync(partial, set.Temp);
        var (details, _) = await raw.RequestAsync("""{"v":1,"type":"GetGame","game":"alienswarm"}""");
        Assert.Equal("unknown_game", details!.Value.GetProperty("code").GetString()); // not announced as complete

        var (answer, _) = await raw.RequestAsync("""{"v":1,"type":"GetChunkMap","game":"alienswarm"}""");
        var map = answer!.Value.GetProperty("chunkMap");
        Assert.False(map.TryGetProperty("complete", out var complete) && complete.GetBoolean());
        var chunks = map.GetProperty("chunks").GetInt32();
        var bits = Convert.FromBase64String(map.GetProperty("bitmap").GetString()!);
        Assert.Equal((chunks + 7) / 8, bits.Length);
        bool Held(int i) => (bits[i >> 3] & (1 << (i & 7))) != 0;
        Assert.Equal(order.Count, chunks);
        Assert.InRange(Enumerable.Range(0, chunks).Count(Held), 1, chunks - 2);
        Assert.True(Held(order.FindIndex(c => c.Path == first.File && c.Offset == first.Offset)));
        var missing = order.FindLastIndex(c => c.Path == "data/big.bin");
        Assert.False(Held(missing));
        Assert.Equal("1", map.GetProperty("version").GetString());

        // A verified chunk: the seeder's bytes, read from the partial peer's staged file.
        var (served, data) = await raw.RequestAsync($$"""{"v":1,"type":"GetGameFileChunk","game":"alienswarm","path":"data/big.bin","offset":{{first.Offset}},"length":{{first.Length}}}""");
        Assert.True(served!.Value.GetProperty("ok").GetBoolean(), served.Value.ToString());
        Assert.Equal(big.AsSpan((int)first.Offset, (int)first.Length).ToArray(), data);

        // The last chunk is fetched last (one seeder, 1 MiB/s): not held yet, so refused; so are a range
        // that is not a whole chunk, the whole file, and a path outside the game.
        foreach (var request in new[]
        {
            $$"""{"v":1,"type":"GetGameFileChunk","game":"alienswarm","path":"data/big.bin","offset":{{order[missing].Offset}},"length":{{order[missing].Length}}}""",
            $$"""{"v":1,"type":"GetGameFileChunk","game":"alienswarm","path":"data/big.bin","offset":{{first.Offset}},"length":{{first.Length - 1}}}""",
            """{"v":1,"type":"GetGameFileData","game":"alienswarm","path":"data/big.bin"}""",
        })
        {
            var (refused, bytes) = await raw.RequestAsync(request);
            Assert.False(refused!.Value.GetProperty("ok").GetBoolean());
            Assert.Equal("not_found", refused.Value.GetProperty("code").GetString());
            Assert.Empty(bytes);
        }

        var (outside, _) = await raw.RequestAsync("""{"v":1,"type":"GetGameFileChunk","game":"alienswarm","path":"../x","offset":0,"length":1}""");
        Assert.Equal("path_refused", outside!.Value.GetProperty("code").GetString());

        // Once finished, the same peer answers as a complete holder.
        await partial.Log.WaitAsync<DownloadGameFilesFinished>(e => e.Game == Game, TimeSpan.FromSeconds(60));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var (after, _) = await raw.RequestAsync("""{"v":1,"type":"GetChunkMap","game":"alienswarm"}""");
            if (after!.Value.GetProperty("ok").GetBoolean() && after.Value.GetProperty("chunkMap").GetProperty("complete").GetBoolean())
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the finished peer never answered as complete: {after}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task A_seeder_with_an_upload_limit_sends_no_faster_than_the_limit()
    {
        await using var set = new TestPeerSet();
        var size = 6 * 1024 * 1024;
        GameFixture.Create(set.Temp.Sub("seed-games"), Game, "1", new Dictionary<string, byte[]> { ["readme.txt"] = [1] },
            new Dictionary<string, byte[]> { ["data/big.bin"] = GameFixture.Bytes(size, 42) });
        const long rate = 3 * 1024 * 1024;
        var seed = await set.StartAsync("seed", o => o.MaxUploadRate = rate);
        var client = await set.StartAsync("client", seed);
        await client.WaitForOffersAsync(Game, 1);
        await client.BeginDownloadAsync(Game);
        var clock = Stopwatch.StartNew();
        Assert.IsType<DownloadGameFilesFinished>(await client.Log.WaitAnyAsync(e => e is DownloadGameFilesFinished or DownloadGameFilesFailed, TimeSpan.FromSeconds(60)));
        // A lower bound only (load can slow it further, never speed it up): the bucket's burst is 50 ms.
        var floor = TimeSpan.FromSeconds((double)size / rate) - TimeSpan.FromMilliseconds(400);
        Assert.True(clock.Elapsed >= floor, $"{size} bytes at a {rate} B/s limit took {clock.Elapsed.TotalSeconds:0.00}s");
    }

    [Fact]
    public async Task A_partial_peer_that_claims_every_chunk_and_sends_bad_bytes_is_banned_and_the_download_is_the_honest_bytes()
    {
        await using var set = new TestPeerSet();
        var big = GameFixture.Bytes(12 * 1024 * 1024, 43); // about 48 chunks: most not yet asked of the seeder when the liar joins
        GameFixture.Create(set.Temp.Sub("seed-games"), Game, "1", new Dictionary<string, byte[]> { ["readme.txt"] = [1, 2, 3] },
            new Dictionary<string, byte[]> { ["data/big.bin"] = big });
        var seed = await set.StartAsync("seed", o => o.MaxUploadRate = 2 * 1024 * 1024); // slow: the liar answers first

        await using var toSeed = await RawClient.ConnectAsync(seed, set.Temp);
        var (details, _) = await toSeed.RequestAsync("""{"v":1,"type":"GetGame","game":"alienswarm"}""");
        var manifest = details!.Value.GetProperty("details").GetProperty("manifest");
        var chunks = manifest.GetProperty("files").EnumerateArray().Sum(f => f.GetProperty("chunks").GetArrayLength());
        var liarMap = new Protocol.ChunkMap("1", manifest.GetProperty("digest").GetString()!, false, chunks, Convert.ToBase64String(Enumerable.Repeat((byte)0xFF, (chunks + 7) / 8).ToArray()), 1);
        await using var liar = await Security.HostilePeer.StartAsync(seed, set.Temp, request => request.Type switch
        {
            Protocol.RequestType.Ping => Security.HostilePeer.Ok() with { Name = "mallory" },
            Protocol.RequestType.ListGames => Security.HostilePeer.Ok() with { Games = [] },
            Protocol.RequestType.GetChunkMap => Security.HostilePeer.Ok() with { ChunkMap = liarMap },
            Protocol.RequestType.GetGameFileChunk => Security.HostilePeer.Ok() with { DataLength = request.Length },
            _ => null,
        }, payload: request => request.Type == Protocol.RequestType.GetGameFileChunk ? Enumerable.Repeat((byte)0x5A, (int)request.Length).ToArray() : null);

        var client = await TestPeer.StartAsync(set.Temp, "client", [seed], extraPeers: [liar.EndPoint]);
        await using var _ = client;
        await client.WaitForOffersAsync(Game, 1);
        var end = await client.DownloadAsync(Game, TimeSpan.FromSeconds(60));
        Assert.IsType<DownloadGameFilesFinished>(end);
        Assert.True(client.Log.OfType<ChunkRejected>().Any(r => r.Peer == "mallory"), string.Join("\n", client.Log.All.Where(e => e is not DownloadProgress and not ChunkCompleted)) + "\nliar requests: " + liar.Requests);
        Assert.Contains(client.Log.OfType<PeerBanned>(), b => b.Peer == "mallory");
        Assert.DoesNotContain(client.Log.OfType<ChunkCompleted>(), c => c.Peer == "mallory");
        Assert.Equal(big, File.ReadAllBytes(Path.Combine(client.GamesDir, Game, "data", "big.bin")));
    }
}
