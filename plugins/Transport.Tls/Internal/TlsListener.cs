using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Threading.Channels;
using LanSpread.Core.Model;
using LanSpread.Core.Transport;
using Microsoft.Extensions.Logging;

namespace LanSpread.Transport.Tls.Internal;

/// <summary>
/// Accepts TCP connections, runs the TLS handshake (bounded in time) and turns each request on a
/// connection into an <see cref="IPeerStream"/>. A connection carries one exchange at a time; the
/// next request is only read once the previous stream was completed. Resource bounds (nginx's
/// limit_conn, Syncthing's per-device limits): connections in total, handshakes per address and
/// connections per peer id are capped; what exceeds a cap is closed at once, so a hostile client
/// costs a socket for a moment, never memory that grows with its persistence.
/// </summary>
internal sealed class TlsListener : ITransportListener
{
    private readonly Socket _socket;
    private readonly SslServerAuthenticationOptions _serverOptions;
    private readonly TlsTransportOptions _options;
    private readonly ILogger _logger;
    private readonly Channel<IPeerStream> _accepted = Channel.CreateBounded<IPeerStream>(256);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<PeerId, int> _perPeer = new();
    private readonly ConcurrentDictionary<IPAddress, int> _handshaking = new();
    private readonly ConcurrentDictionary<IPAddress, int> _perAddress = new();
    private int _open;
    private int _disposed;
    private readonly Task _acceptLoop;

    private TlsListener(Socket socket, TransportCredentials credentials, TlsTransportOptions options, ILogger logger)
    {
        _socket = socket;
        // One set of options (and so one certificate context) for every connection: built per
        // connection it cost a TLS context each, about 100 KiB of native memory per open connection.
        _serverOptions = TlsSettings.Server(credentials);
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

            if (Interlocked.Increment(ref _open) > _options.MaxServerConnections)
            {
                Interlocked.Decrement(ref _open);
                _logger.LogDebug("Refused a connection from {Remote}: {Max} connections open (tls.maxServerConnections)", client.RemoteEndPoint, _options.MaxServerConnections);
                client.Dispose();
                continue;
            }

            client.NoDelay = true;
            _ = Task.Run(async () =>
            {
                try
                {
                    await ServeConnectionAsync(client);
                }
                finally
                {
                    Interlocked.Decrement(ref _open);
                }
            });
        }
    }

    /// <summary>Counts one more holder of <paramref name="key"/>; false (and nothing counted) when that would exceed <paramref name="max"/>.</summary>
    private static bool TryEnter<TKey>(ConcurrentDictionary<TKey, int> counts, TKey key, int max)
        where TKey : notnull
    {
        while (true)
        {
            var current = counts.GetOrAdd(key, 0);
            if (current >= max)
            {
                return false;
            }

            if (counts.TryUpdate(key, current + 1, current))
            {
                return true;
            }
        }
    }

    private static void Leave<TKey>(ConcurrentDictionary<TKey, int> counts, TKey key)
        where TKey : notnull
    {
        while (true)
        {
            var current = counts[key];
            if (current <= 1 ? counts.TryRemove(new KeyValuePair<TKey, int>(key, current)) : counts.TryUpdate(key, current - 1, current))
            {
                return;
            }
        }
    }

    private async Task ServeConnectionAsync(Socket client)
    {
        var remote = (IPEndPoint)client.RemoteEndPoint!;
        var ssl = new SslStream(new NetworkStream(client, ownsSocket: true), leaveInnerStreamOpen: false);
        PeerId? counted = null;
        IPAddress? address = null;
        try
        {
            if (!TryEnter(_perAddress, remote.Address, _options.MaxConnectionsPerAddress))
            {
                _logger.LogDebug("Refused a connection from {Remote}: that address holds {Max} already (tls.maxConnectionsPerAddress)", remote, _options.MaxConnectionsPerAddress);
                return;
            }

            address = remote.Address;
            if (!TryEnter(_handshaking, remote.Address, _options.MaxHandshakesPerAddress))
            {
                _logger.LogDebug("Refused a connection from {Remote}: {Max} handshakes from that address in progress", remote, _options.MaxHandshakesPerAddress);
                return;
            }

            try
            {
                using var handshake = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                handshake.CancelAfter(_options.HandshakeTimeout);
                await ssl.AuthenticateAsServerAsync(_serverOptions, handshake.Token);
            }
            finally
            {
                Leave(_handshaking, remote.Address);
            }

            var peer = TlsSettings.IdOf(ssl.RemoteCertificate);
            if (!TryEnter(_perPeer, peer, _options.MaxConnectionsPerPeer))
            {
                _logger.LogDebug("Refused a connection from peer {Peer} at {Remote}: it already holds {Max} (tls.maxConnectionsPerPeer)", peer.Abbreviated, remote, _options.MaxConnectionsPerPeer);
                return;
            }

            counted = peer;
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
            if (counted is { } id)
            {
                Leave(_perPeer, id);
            }

            if (address is not null)
            {
                Leave(_perAddress, address);
            }

            await ssl.DisposeAsync();
        }
    }
}
