using System.Diagnostics;
using LanSpread.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace LanSpread.Peer.Tests.Server;

/// <summary>The server against good and hostile requests over real TLS: refusals are structured, nothing outside the root is read, and everyone else keeps being served.</summary>
public sealed class ServerTests(ServerFixture fixture, ITestOutputHelper output) : IClassFixture<ServerFixture>
{
    private const string V = "\"v\":1";

    [Fact]
    public async Task Ping_ListGames_and_GetGame_answer_from_the_library()
    {
        await using var client = await RawClient.ConnectAsync(fixture.Server, fixture.Temp);
        var (ping, _) = await client.RequestAsync($$"""{{{V}},"type":"Ping"}""");
        Assert.Equal("server", ping!.Value.GetProperty("name").GetString());

        var (list, _) = await client.RequestAsync($$"""{{{V}},"type":"ListGames"}""");
        var games = list!.Value.GetProperty("games").EnumerateArray().Select(g => g.GetProperty("id").GetString()).ToList();
        Assert.Equal(["alienswarm"], games); // homebrew is not in the catalog: never announced

        var (game, _) = await client.RequestAsync($$"""{{{V}},"type":"GetGame","game":"alienswarm"}""");
        var details = game!.Value.GetProperty("details");
        Assert.Equal("20240517", details.GetProperty("version").GetString());
        var paths = details.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("relativePath").GetString()).ToList();
        Assert.Equal(["alienswarm.eti", "cover.jpg", "version.ini"], paths); // no local/, no symlink out, no bookkeeping
    }

    [Fact]
    public async Task A_byte_range_and_a_whole_file_come_back_exactly()
    {
        await using var client = await RawClient.ConnectAsync(fixture.Server, fixture.Temp);
        var (chunk, bytes) = await client.RequestAsync($$"""{{{V}},"type":"GetGameFileChunk","game":"alienswarm","path":"alienswarm.eti","offset":1000,"length":500000}""");
        Assert.True(chunk!.Value.GetProperty("ok").GetBoolean());
        Assert.Equal(fixture.Archive.AsSpan(1000, 500000).ToArray(), bytes);

        var (whole, all) = await client.RequestAsync($$"""{{{V}},"type":"GetGameFileData","game":"alienswarm","path":"alienswarm.eti"}""");
        Assert.Equal(fixture.Archive.Length, whole!.Value.GetProperty("dataLength").GetInt64());
        Assert.Equal(fixture.Archive, all);
    }

    public static TheoryData<string, string> BadRequests => new()
    {
        { "{not json", "malformed" },
        { """{"v":1}""", "malformed" },
        { """{"v":1,"type":"FormatDisk"}""", "unknown_request" },
        { """{"v":99,"type":"Ping"}""", "incompatible_version" },
        { """{"v":1,"type":"GetGame","game":"nosuchgame"}""", "unknown_game" },
        { """{"v":1,"type":"GetGame","game":"homebrew"}""", "unknown_game" },
        { """{"v":1,"type":"GetGameFileData","game":"homebrew","path":"homebrew.eti"}""", "unknown_game" },
        { """{"v":1,"type":"GetGameFileData","game":"../alienswarm","path":"version.ini"}""", "unknown_game" },
        { """{"v":1,"type":"GetGameFileData","game":"alienswarm","path":"../../secret.txt"}""", "path_refused" },
        { """{"v":1,"type":"GetGameFileData","game":"alienswarm","path":"bin/../../secret.txt"}""", "path_refused" },
        { """{"v":1,"type":"GetGameFileData","game":"alienswarm","path":"/etc/passwd"}""", "path_refused" },
        { """{"v":1,"type":"GetGameFileData","game":"alienswarm","path":"C:/Windows/win.ini"}""", "path_refused" },
        { """{"v":1,"type":"GetGameFileData","game":"alienswarm","path":"C:win.ini"}""", "path_refused" },
        { """{"v":1,"type":"GetGameFileData","game":"alienswarm","path":"..\\secret.txt"}""", "path_refused" },
        { """{"v":1,"type":"GetGameFileData","game":"alienswarm","path":"link-out.txt"}""", "path_refused" },
        { """{"v":1,"type":"GetGameFileData","game":"alienswarm","path":"local/save.dat"}""", "path_refused" },
        { """{"v":1,"type":"GetGameFileData","game":"alienswarm","path":".lanspread.json"}""", "path_refused" },
        { """{"v":1,"type":"GetGameFileData","game":"alienswarm","path":""}""", "path_refused" },
        { """{"v":1,"type":"GetGameFileData","game":"alienswarm","path":"nothere.bin"}""", "not_found" },
        { """{"v":1,"type":"GetGameFileData","game":"alienswarm","path":"bin"}""", "not_found" },
        { """{"v":1,"type":"GetGameFileChunk","game":"alienswarm","path":"cover.jpg","offset":-1,"length":10}""", "bad_range" },
        { """{"v":1,"type":"GetGameFileChunk","game":"alienswarm","path":"cover.jpg","offset":0,"length":-5}""", "bad_range" },
        { """{"v":1,"type":"GetGameFileChunk","game":"alienswarm","path":"cover.jpg","offset":990,"length":11}""", "bad_range" },
        { """{"v":1,"type":"GetGameFileChunk","game":"alienswarm","path":"cover.jpg","offset":5000,"length":1}""", "bad_range" },
        { """{"v":1,"type":"GetGameFileChunk","game":"alienswarm","path":"cover.jpg","offset":9223372036854775000,"length":9223372036854775000}""", "bad_range" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task A_bad_request_gets_a_structured_error_and_the_server_keeps_serving(string request, string code)
    {
        await using var client = await RawClient.ConnectAsync(fixture.Server, fixture.Temp);
        var (response, data) = await client.SendAsync(RawClient.Frame(request));
        Assert.NotNull(response);
        Assert.False(response!.Value.GetProperty("ok").GetBoolean());
        Assert.Equal(code, response.Value.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(response.Value.GetProperty("error").GetString()));
        Assert.Empty(data);
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task An_oversize_header_is_refused_unread()
    {
        await using var client = await RawClient.ConnectAsync(fixture.Server, fixture.Temp);
        var (response, _) = await client.SendAsync([0x7F, 0xFF, 0xFF, 0xFF, (byte)'{']);
        Assert.Equal("too_large", response!.Value.GetProperty("code").GetString());
        var (zero, _) = await client.SendAsync([0, 0, 0, 0]);
        Assert.Equal("too_large", zero!.Value.GetProperty("code").GetString());
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task A_truncated_header_or_a_client_that_vanishes_mid_stream_harms_no_one()
    {
        await using (var client = await RawClient.ConnectAsync(fixture.Server, fixture.Temp))
        {
            await client.SendAsync([0, 0], closeAfterSend: true);
            await client.SendAsync(RawClient.Frame("""{"v":1,"type":"GetGameFileData","game":"alienswarm","path":"alienswarm.eti"}""")[..10], closeAfterSend: true);
            // Ask for the whole archive and walk away after the header.
            await client.SendAsync(RawClient.Frame("""{"v":1,"type":"GetGameFileData","game":"alienswarm","path":"alienswarm.eti"}"""), readData: 0);
        }

        await AssertStillServesAsync();
    }

    [Fact]
    public async Task A_slow_client_does_not_hold_up_the_others()
    {
        await using var slow = await RawClient.ConnectAsync(fixture.Server, fixture.Temp);
        var frame = RawClient.Frame("""{"v":1,"type":"Ping"}""");
        var slowTask = Task.Run(async () =>
        {
            // Dribble the request one byte every 50 ms.
            await using var raw = await RawClient.ConnectAsync(fixture.Server, fixture.Temp);
            return await raw.SendAsync(frame, readData: 0, perByteDelay: TimeSpan.FromMilliseconds(50));
        });
        var stopwatch = Stopwatch.StartNew();
        await AssertStillServesAsync();
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10));
        var (response, _) = await slowTask;
        Assert.True(response!.Value.GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task Thousands_of_random_and_mutated_frames_leave_the_server_serving_correct_bytes()
    {
        var random = new Random(12345);
        var valid = new[]
        {
            """{"v":1,"type":"GetGameFileChunk","game":"alienswarm","path":"alienswarm.eti","offset":0,"length":16}""",
            """{"v":1,"type":"GetGame","game":"alienswarm"}""",
            """{"v":1,"type":"Ping"}""",
        };
        var answered = 0;
        var closed = 0;
        await using var client = await RawClient.ConnectAsync(fixture.Server, fixture.Temp);
        for (var i = 0; i < 2000; i++)
        {
            byte[] frame;
            switch (i % 4)
            {
                case 0: // random bytes with a plausible length prefix
                    var body = new byte[random.Next(1, 300)];
                    random.NextBytes(body);
                    frame = [0, 0, (byte)(body.Length >> 8), (byte)body.Length, .. body];
                    break;
                case 1: // a valid request with a few bytes flipped
                    var text = valid[random.Next(valid.Length)].ToCharArray();
                    for (var k = 0; k < 3; k++)
                    {
                        text[random.Next(text.Length)] = (char)random.Next(32, 127);
                    }

                    frame = RawClient.Frame(new string(text));
                    break;
                case 2: // a valid request with a wrong length prefix
                    frame = RawClient.Frame(valid[random.Next(valid.Length)]);
                    frame[3] = (byte)(frame[3] + random.Next(1, 10));
                    break;
                default: // pure noise
                    frame = new byte[random.Next(1, 64)];
                    random.NextBytes(frame);
                    break;
            }

            // Zero padding completes any short length prefix, so every frame is judged now rather than
            // after the request timeout.
            var (fuzzed, _) = await client.SendAsync([.. frame, .. new byte[16 * 1024 + 8]], readData: 0);
            if (fuzzed is not null)
            {
                answered++;
            }
            else
            {
                closed++;
            }
        }

        output.WriteLine($"fuzz: {answered} answered with a frame, {closed} closed");
        Assert.True(answered > 1500, $"only {answered} of 2000 fuzzed frames got a structured answer");
        await using var fresh = await RawClient.ConnectAsync(fixture.Server, fixture.Temp);
        var (response, bytes) = await fresh.RequestAsync("""{"v":1,"type":"GetGameFileChunk","game":"alienswarm","path":"alienswarm.eti","offset":123456,"length":65536}""");
        Assert.True(response!.Value.GetProperty("ok").GetBoolean());
        Assert.Equal(fixture.Archive.AsSpan(123456, 65536).ToArray(), bytes);
    }

    [Fact]
    public async Task Openssl_completes_a_tls13_handshake_with_a_running_peer()
    {
        // Mutual TLS: openssl presents a peer certificate, as every peer does.
        var certificates = fixture.Temp.Sub("openssl-client");
        LanSpread.Peer.Identity.PeerIdentity.LoadOrCreate(certificates);
        var info = new ProcessStartInfo("openssl", ["s_client", "-connect", $"127.0.0.1:{fixture.Server.EndPoint.Port}", "-tls1_3", "-brief",
            "-cert", Path.Combine(certificates, LanSpread.Peer.Identity.PeerIdentity.CertificateFile), "-key", Path.Combine(certificates, LanSpread.Peer.Identity.PeerIdentity.KeyFile)])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info) ?? throw new InvalidOperationException("openssl is required: .ci/run installs it");
        process.StandardInput.Close();
        var text = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        output.WriteLine(text);
        Assert.Contains("TLSv1.3", text, StringComparison.Ordinal);
        Assert.Contains("CONNECTION ESTABLISHED", text, StringComparison.Ordinal);
        await AssertStillServesAsync();
    }

    private async Task AssertStillServesAsync()
    {
        await using var client = await RawClient.ConnectAsync(fixture.Server, fixture.Temp);
        var (response, bytes) = await client.RequestAsync("""{"v":1,"type":"GetGameFileChunk","game":"alienswarm","path":"cover.jpg","offset":10,"length":20}""");
        Assert.True(response!.Value.GetProperty("ok").GetBoolean(), response.Value.ToString());
        Assert.Equal(GameFixture.Bytes(1000, 2).AsSpan(10, 20).ToArray(), bytes);
    }
}
