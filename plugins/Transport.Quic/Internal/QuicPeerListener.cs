using System.Net;
using System.Net.Quic;
using System.Threading.Channels;
using LanSpread.Core.Transport;
using Microsoft.Extensions.Logging;

namespace LanSpread.Transport.Quic.Internal;

/// <summary>Accepts QUIC connections and yields every inbound bidirectional stream.</summary>
internal sealed class QuicPeerListener : ITransportListener
{
    private readonly QuicListener _listener;
    private readonly ILogger _logger;
    private readonly Channel<IPeerStream> _accepted = Channel.CreateBounded<IPeerStream>(256);
    private readonly CancellationTokenSource _stop = new();
    private int _disposed;
    private readonly Task _loop;

    private QuicPeerListener(QuicListener listener, ILogger logger)
    {
        _listener = listener;
        _logger = logger;
        _loop = Task.Run(AcceptConnectionsAsync);
    }

    public IPEndPoint LocalEndPoint => _listener.LocalEndPoint;

    public static async Task<QuicPeerListener> StartAsync(IPEndPoint endPoint, TransportCredentials credentials, QuicTransportOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        var listener = await QuicListener.ListenAsync(new QuicListenerOptions
        {
            ListenEndPoint = endPoint,
            ApplicationProtocols = [new System.Net.Security.SslApplicationProtocol(options.ApplicationProtocol)],
            ConnectionOptionsCallback = (_, _, _) => ValueTask.FromResult(QuicSettings.Server(credentials, options)),
        }, cancellationToken);
        return new QuicPeerListener(listener, logger);
    }

    public async ValueTask<IPeerStream?> AcceptStreamAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _accepted.Reader.ReadAsync(cancellationToken);
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync();
        await _listener.DisposeAsync();
        _accepted.Writer.TryComplete();
        while (_accepted.Reader.TryRead(out var pending))
        {
            await pending.DisposeAsync();
        }

        try
        {
            await _loop;
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or QuicException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptConnectionsAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            QuicConnection connection;
            try
            {
                connection = await _listener.AcceptConnectionAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (Exception ex) when (ex is QuicException or System.Security.Authentication.AuthenticationException)
            {
                _logger.LogDebug("QUIC handshake failed: {Error}", ex.Message);
                continue;
            }

            _ = Task.Run(() => AcceptStreamsAsync(connection));
        }
    }

    private async Task AcceptStreamsAsync(QuicConnection connection)
    {
        await using (connection)
        {
            var peer = QuicSettings.IdOf(connection.RemoteCertificate);
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    var stream = await connection.AcceptInboundStreamAsync(_stop.Token);
                    await _accepted.Writer.WriteAsync(new QuicPeerStream(stream, peer, connection.RemoteEndPoint), _stop.Token);
                }
            }
            catch (Exception ex) when (ex is QuicException or OperationCanceledException or ChannelClosedException or ObjectDisposedException)
            {
                _logger.LogDebug("QUIC connection from {Remote} ended: {Error}", connection.RemoteEndPoint, ex.Message);
            }
        }
    }
}
