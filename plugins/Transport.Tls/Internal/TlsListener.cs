using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading.Channels;
using LanSpread.Core.Transport;
using Microsoft.Extensions.Logging;

namespace LanSpread.Transport.Tls.Internal;

/// <summary>
/// Accepts TCP connections, runs the TLS handshake (bounded in time) and turns each request on a
/// connection into an <see cref="IPeerStream"/>. A connection carries one exchange at a time; the
/// next request is only read once the previous stream was completed.
/// </summary>
internal sealed class TlsListener : ITransportListener
{
    private readonly Socket _socket;
    private readonly TransportCredentials _credentials;
    private readonly TlsTransportOptions _options;
    private readonly ILogger _logger;
    private readonly Channel<IPeerStream> _accepted = Channel.CreateBounded<IPeerStream>(256);
    private readonly CancellationTokenSource _stop = new();
    private int _disposed;
    private readonly Task _acceptLoop;

    private TlsListener(Socket socket, TransportCredentials credentials, TlsTransportOptions options, ILogger logger)
    {
        _socket = socket;
        _credentials = credentials;
        _options = options;
        _logger = logger;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public IPEndPoint LocalEndPoint { get; }

    public static TlsListener Start(IPEndPoint endPoint, TransportCredentials credentials, TlsTransportOptions options, ILogger logger)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endPoint.AddressFamily == AddressFamily.InterNetworkV6 && endPoint.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            socket.Bind(endPoint);
            socket.Listen(512);
            return new TlsListener(socket, credentials, options, logger);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
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
        _socket.Dispose();
        _accepted.Writer.TryComplete();
        while (_accepted.Reader.TryRead(out var pending))
        {
            await pending.DisposeAsync();
        }

        try
        {
            await _acceptLoop;
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _socket.AcceptAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                _logger.LogDebug(ex, "Accept failed");
                continue;
            }

            client.NoDelay = true;
            _ = Task.Run(() => ServeConnectionAsync(client));
        }
    }

    private async Task ServeConnectionAsync(Socket client)
    {
        var remote = (IPEndPoint)client.RemoteEndPoint!;
        var ssl = new SslStream(new NetworkStream(client, ownsSocket: true), leaveInnerStreamOpen: false);
        try
        {
            using (var handshake = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
            {
                handshake.CancelAfter(_options.HandshakeTimeout);
                await ssl.AuthenticateAsServerAsync(TlsSettings.Server(_credentials), handshake.Token);
            }

            var peer = TlsSettings.IdOf(ssl.RemoteCertificate);
            var first = new byte[1];
            while (!_stop.IsCancellationRequested)
            {
                // Wait for the first byte of the next request before handing a stream out, so an idle
                // connection closing is not mistaken for a truncated request.
                int read;
                using (var idle = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token))
                {
                    idle.CancelAfter(_options.ServerIdleTimeout);
                    read = await ssl.ReadAsync(first, idle.Token);
                }

                if (read == 0)
                {
                    return;
                }

                var stream = new TlsServerStream(ssl, first[0], peer, remote);
                await _accepted.Writer.WriteAsync(stream, _stop.Token);
                // Also give up when the listener closes: a stream queued but never taken by the server
                // must not keep the connection (and the client waiting on it) open.
                if (!await stream.Finished.WaitAsync(_stop.Token))
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or System.Security.Authentication.AuthenticationException or ChannelClosedException or ObjectDisposedException or SocketException)
        {
            _logger.LogDebug("Connection from {Remote} ended: {Error}", remote, ex.Message);
        }
        finally
        {
            await ssl.DisposeAsync();
        }
    }
}
