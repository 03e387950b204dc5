using System.Net;
using LanSpread.Core.Transport;
using LanSpread.Peer.Identity;
using LanSpread.Peer.Protocol;
using LanSpread.TestKit;

namespace LanSpread.Peer.Tests.Security;

/// <summary>
/// A small hostile peer: the real TLS transport and frame codec, answers scripted by the test (any
/// game ids, any file lists). Requests it has no script for get an "unknown request" error.
/// </summary>
internal sealed class HostilePeer : IAsyncDisposable
{
    private readonly ITransportListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly Func<Request, Response?> _answer;
    private readonly Func<Request, byte[]?>? _data;

    private HostilePeer(ITransportListener listener, TransportCredentials credentials, Func<Request, Response?> answer, Func<Request, byte[]?>? data)
    {
        _listener = listener;
        _answer = answer;
        _data = data;
        Credentials = credentials;
        _loop = Task.Run(AcceptAsync);
    }

    public TransportCredentials Credentials { get; }

    public IPEndPoint EndPoint => new(IPAddress.Loopback, _listener.LocalEndPoint.Port);

    public int Requests;

    /// <param name="host">A peer whose transport plugin the hostile peer uses.</param>
    /// <param name="temp">Where its identity goes.</param>
    /// <param name="answer">The scripted response frame per request (null: unknown request).</param>
    /// <param name="data">Its data directory (an identity to reuse).</param>
    /// <param name="payload">Optional raw bytes sent after the response frame (file data, honest or not).</param>
    public static async Task<HostilePeer> StartAsync(TestPeer host, TempDir temp, Func<Request, Response?> answer, string? data = null, Func<Request, byte[]?>? payload = null)
    {
        var credentials = PeerIdentity.LoadOrCreate(data ?? temp.Sub("hostile-" + Guid.NewGuid().ToString("N")[..6]));
        var transport = host.Host.Transport;
        var listener = await transport.ListenAsync(new IPEndPoint(IPAddress.Loopback, 0), credentials, default);
        return new HostilePeer(listener, credentials, answer, payload);
    }

    public static Response Ok() => new(ProtocolConstants.Version, true);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _listener.DisposeAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var stream = await _listener.AcceptStreamAsync(_stop.Token);
            if (stream is null)
            {
                return;
            }

            _ = Task.Run(async () =>
            {
                await using var _ = stream;
                try
                {
                    var request = await FrameCodec.ReadRequestAsync(stream.Stream, _stop.Token);
                    Interlocked.Increment(ref Requests);
                    var response = _answer(request) ?? Response.Failure(ErrorCode.UnknownRequest, "not scripted");
                    await FrameCodec.WriteResponseAsync(stream.Stream, response, _stop.Token);
                    if (_data?.Invoke(request) is { } bytes)
                    {
                        await stream.Stream.WriteAsync(bytes, _stop.Token);
                        await stream.Stream.FlushAsync(_stop.Token);
                    }

                    stream.MarkCompleted();
                }
                catch (Exception ex) when (ex is IOException or OperationCanceledException or ProtocolException or ObjectDisposedException)
                {
                }
            });
        }
    }
}
