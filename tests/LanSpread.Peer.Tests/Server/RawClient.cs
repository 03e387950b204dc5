using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using LanSpread.Core.Composition;
using LanSpread.Core.Transport;
using LanSpread.Peer.Identity;
using LanSpread.TestKit;

namespace LanSpread.Peer.Tests.Server;

/// <summary>Talks to a peer's server with hand-made frames over the real TLS transport.</summary>
internal sealed class RawClient : IAsyncDisposable
{
    private readonly ITransportConnection _connection;

    private RawClient(ITransportConnection connection) => _connection = connection;

    public static async Task<RawClient> ConnectAsync(TestPeer server, TempDir temp)
    {
        var credentials = PeerIdentity.LoadOrCreate(temp.Sub("raw-client-" + Guid.NewGuid().ToString("N")[..6]));
        var transport = server.Host.Plugins.Select<ITransport>(PluginKind.Transport, "tls");
        return new RawClient(await transport.ConnectAsync(server.EndPoint, server.Runtime.PeerId, credentials, default));
    }

    public static byte[] Frame(string json)
    {
        var body = Encoding.UTF8.GetBytes(json);
        var frame = new byte[body.Length + 4];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)body.Length);
        body.CopyTo(frame, 4);
        return frame;
    }

    /// <summary>Sends raw bytes; returns the response frame as JSON (null if the server closed) and any data after it.</summary>
    public async Task<(JsonElement? Response, byte[] Data)> SendAsync(byte[] raw, int readData = -1, bool closeAfterSend = false, TimeSpan? perByteDelay = null)
    {
        await using var stream = await _connection.OpenStreamAsync(default);
        if (perByteDelay is { } delay)
        {
            foreach (var b in raw)
            {
                await stream.Stream.WriteAsync(new[] { b });
                await stream.Stream.FlushAsync();
                await Task.Delay(delay);
            }
        }
        else
        {
            await stream.Stream.WriteAsync(raw);
            await stream.Stream.FlushAsync();
        }
        if (closeAfterSend)
        {
            return (null, []);
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
            var prefix = new byte[4];
            await stream.Stream.ReadExactlyAsync(prefix, timeout.Token);
            var body = new byte[BinaryPrimitives.ReadUInt32BigEndian(prefix)];
            await stream.Stream.ReadExactlyAsync(body, timeout.Token);
            var response = JsonDocument.Parse(body).RootElement.Clone();
            var length = readData >= 0 ? readData : response.TryGetProperty("dataLength", out var d) ? (int)d.GetInt64() : 0;
            var data = new byte[length];
            await stream.Stream.ReadExactlyAsync(data, timeout.Token);
            if (response.GetProperty("ok").GetBoolean())
            {
                stream.MarkCompleted();
            }

            return (response, data);
        }
        catch (Exception ex) when (ex is IOException or EndOfStreamException)
        {
            return (null, []);
        }
    }

    public Task<(JsonElement? Response, byte[] Data)> RequestAsync(string json) => SendAsync(Frame(json));

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
