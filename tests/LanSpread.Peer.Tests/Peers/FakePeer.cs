using System.Collections.Concurrent;
using System.Net;
using LanSpread.Core.Transport;
using LanSpread.Peer.Identity;
using LanSpread.Peer.Protocol;
using LanSpread.TestKit;

namespace LanSpread.Peer.Tests.Peers;

/// <summary>
/// A minimal peer on the real TLS transport that answers Ping and ListGames and counts what it is
/// asked, so a test can see how often a real runtime pings it. It can also ping the runtime itself,
/// as the same identity, the way the other end of a pair would.
/// </summary>
internal sealed class FakePeer : IAsyncDisposable
{
    private readonly ITransport _transport;
    private readonly ITransportListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;
    private readonly ConcurrentDictionary<string, int> _requests = new(StringComparer.Ordinal);
    private int _disposed;

    private FakePeer(ITransport transport, TransportCredentials credentials, ITransportListener listener)
    {
        _transport = transport;
        Credentials = credentials;
        _listener = listener;
        _serving = Task.Run(ServeAsync);
    }

    public TransportCredentials Credentials { get; }

    public IPEndPoint EndPoint => new(IPAddress.Loopback, _listener.LocalEndPoint.Port);

    public long Revision { get; set; } = 1;

    public int Requests(string type) => _requests.GetValueOrDefault(type);

    public static async Task<FakePeer> StartAsync(ITransport transport, TempDir temp)
    {
        var credentials = PeerIdentity.LoadOrCreate(temp.Sub("fake-data"));
        var listener = await transport.ListenAsync(new IPEndPoint(IPAddress.Loopback, 0), credentials, CancellationToken.None);
        return new FakePeer(transport, credentials, listener);
    }

    /// <summary>Connects to a runtime as this identity (its pings to the runtime travel on this).</summary>
    public async Task<ITransportConnection> ConnectAsync(IPEndPoint endPoint) =>
        await _transport.ConnectAsync(endPoint, null, Credentials, _stop.Token);

    public async Task PingAsync(ITransportConnection connection, long revision = 0)
    {
        await using var stream = await connection.OpenStreamAsync(_stop.Token);
        await FrameCodec.WriteRequestAsync(stream.Stream, new Request(ProtocolConstants.Version, RequestType.Ping, Revision: revision), _stop.Token);
        var pong = await FrameCodec.ReadResponseAsync(stream.Stream, _stop.Token);
        if (!pong.Ok)
        {
            throw new InvalidOperationException(pong.Error);
        }

        stream.MarkCompleted();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync();
        await _listener.DisposeAsync();
        try
        {
            await _serving;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task ServeAsync()
    {
        while (await _listener.AcceptStreamAsync(_stop.Token) is { } stream)
        {
            _ = Task.Run(async () =>
            {
                await using var _ = stream;
                var request = await FrameCodec.ReadRequestAsync(stream.Stream, _stop.Token);
                _requests.AddOrUpdate(request.Type, 1, (_, n) => n + 1);
                var response = new Response(ProtocolConstants.Version, true) with { Name = "fake", Revision = Revision };
                if (request.Type == RequestType.ListGames)
                {
                    response = response with { Games = [] };
                }

                await FrameCodec.WriteResponseAsync(stream.Stream, response, _stop.Token);
                stream.MarkCompleted();
            });
        }
    }
}
