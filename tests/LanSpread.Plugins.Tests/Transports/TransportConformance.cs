using System.Net;
using System.Security.Cryptography;
using LanSpread.Core.Composition;
using LanSpread.Core.Transport;
using LanSpread.Peer.Composition;
using LanSpread.Peer.Hosting;
using LanSpread.Peer.Identity;
using LanSpread.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace LanSpread.Plugins.Tests.Transports;

/// <summary>
/// The behaviour every transport must have, run against each one through the contract only.
/// Derived classes pick the transport; QUIC's runs only where libmsquic exists.
/// </summary>
public abstract class TransportConformance : IDisposable
{
    private readonly PluginCatalog _catalog = PeerHost.LoadPlugins([], NullLoggerFactory.Instance);
    private readonly TempDir _temp = new();

    protected TransportConformance(string name)
    {
        Name = name;
        Server = PeerIdentity.LoadOrCreate(_temp.Sub("server"));
        Client = PeerIdentity.LoadOrCreate(_temp.Sub("client"));
    }

    protected string Name { get; }

    protected TransportCredentials Server { get; }

    protected TransportCredentials Client { get; }

    protected ITransport Transport => (ITransport)_catalog.Parts.Single(p => p.Kind == PluginKind.Transport && p.Name == Name).Instance!;

    public void Dispose()
    {
        _catalog.Dispose();
        _temp.Dispose();
    }

    protected async Task Echo_round_trip_with_verified_identities_on_both_ends()
    {
        await using var listener = await ListenAsync();
        var serverSide = EchoServerAsync(listener, expectedClient: Client.PeerId);
        await using var connection = await Transport.ConnectAsync(Loopback(listener), Server.PeerId, Client, default);
        Assert.Equal(Server.PeerId, connection.RemotePeerId);
        var reply = await ExchangeAsync(connection, [1, 2, 3, 4]);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, reply);
        await listener.DisposeAsync();
        await serverSide;
    }

    protected async Task Many_concurrent_streams_to_one_peer_all_complete_intact()
    {
        await using var listener = await ListenAsync();
        var serverSide = EchoServerAsync(listener, expectedClient: null);
        await using var connection = await Transport.ConnectAsync(Loopback(listener), Server.PeerId, Client, default);
        var payloads = Enumerable.Range(0, 32).Select(i => GameFixture.Bytes(64 * 1024 + i, i)).ToList();
        var replies = await Task.WhenAll(payloads.Select(p => ExchangeAsync(connection, p)));
        for (var i = 0; i < payloads.Count; i++)
        {
            Assert.Equal(payloads[i], replies[i]);
        }

        await listener.DisposeAsync();
        await serverSide;
    }

    protected async Task A_large_transfer_arrives_byte_for_byte()
    {
        await using var listener = await ListenAsync();
        var serverSide = EchoServerAsync(listener, expectedClient: null);
        await using var connection = await Transport.ConnectAsync(Loopback(listener), Server.PeerId, Client, default);
        var payload = GameFixture.Bytes(24 * 1024 * 1024, 7);
        var reply = await ExchangeAsync(connection, payload);
        Assert.Equal(SHA256.HashData(payload), SHA256.HashData(reply));
        await listener.DisposeAsync();
        await serverSide;
    }

    protected async Task A_peer_whose_certificate_does_not_match_the_advertised_id_is_refused()
    {
        await using var listener = await ListenAsync();
        var serverSide = EchoServerAsync(listener, expectedClient: null);
        var mismatch = await Assert.ThrowsAsync<PeerIdentityMismatchException>(async () =>
            await Transport.ConnectAsync(Loopback(listener), Client.PeerId /* not the server's id */, Client, default));
        Assert.Equal(Client.PeerId, mismatch.Expected);
        Assert.Equal(Server.PeerId, mismatch.Actual);
        await listener.DisposeAsync();
        await serverSide;
    }

    protected async Task An_aborted_stream_does_not_disturb_the_next_ones()
    {
        await using var listener = await ListenAsync();
        var serverSide = EchoServerAsync(listener, expectedClient: null);
        await using var connection = await Transport.ConnectAsync(Loopback(listener), Server.PeerId, Client, default);
        await using (var aborted = await connection.OpenStreamAsync(default))
        {
            await aborted.Stream.WriteAsync(new byte[] { 0, 0, 0, 9, 1 }); // half a frame, then dispose uncompleted
        }

        Assert.Equal(new byte[] { 5 }, await ExchangeAsync(connection, [5]));
        await listener.DisposeAsync();
        await serverSide;
    }

    protected async Task A_closed_listener_yields_no_more_streams()
    {
        var listener = await ListenAsync();
        var accept = listener.AcceptStreamAsync(default).AsTask();
        await listener.DisposeAsync();
        Assert.Null(await accept.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    private async Task<ITransportListener> ListenAsync() =>
        await Transport.ListenAsync(new IPEndPoint(IPAddress.Loopback, 0), Server, default);

    private static IPEndPoint Loopback(ITransportListener listener) => new(IPAddress.Loopback, listener.LocalEndPoint.Port);

    /// <summary>One exchange: [u32 length][bytes] out, the same back.</summary>
    private static async Task<byte[]> ExchangeAsync(ITransportConnection connection, byte[] payload)
    {
        await using var stream = await connection.OpenStreamAsync(default);
        var prefix = BitConverter.GetBytes(payload.Length);
        await stream.Stream.WriteAsync(prefix);
        await stream.Stream.WriteAsync(payload);
        await stream.Stream.FlushAsync();
        var reply = new byte[payload.Length];
        await stream.Stream.ReadExactlyAsync(reply);
        stream.MarkCompleted();
        return reply;
    }

    private static async Task EchoServerAsync(ITransportListener listener, Core.Model.PeerId? expectedClient)
    {
        var handlers = new List<Task>();
        while (await listener.AcceptStreamAsync(default) is { } stream)
        {
            if (expectedClient is { } id)
            {
                Assert.Equal(id, stream.RemotePeerId);
            }

            handlers.Add(Task.Run(async () =>
            {
                await using (stream)
                {
                    try
                    {
                        var prefix = new byte[4];
                        await stream.Stream.ReadExactlyAsync(prefix);
                        var length = BitConverter.ToInt32(prefix);
                        var buffer = new byte[length];
                        await stream.Stream.ReadExactlyAsync(buffer);
                        await stream.Stream.WriteAsync(buffer);
                        await stream.Stream.FlushAsync();
                        stream.MarkCompleted();
                    }
                    catch (Exception ex) when (ex is IOException or EndOfStreamException or OperationCanceledException)
                    {
                    }
                }
            }));
        }

        await Task.WhenAll(handlers);
    }
}
