using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using LanSpread.Core.Model;
using LanSpread.Core.Transport;
using Microsoft.Extensions.Logging;

namespace LanSpread.Transport.Tls.Internal;

/// <summary>
/// The client side of a link to one peer: up to <see cref="TlsTransportOptions.ConnectionsPerPeer"/>
/// TLS connections, each lent to one stream at a time and returned when the exchange completed cleanly.
/// Every new connection's certificate must hash to the peer's id (advertised, or learned on the first).
/// </summary>
internal sealed class TlsConnectionPool : ITransportConnection
{
    private readonly SslClientAuthenticationOptions _clientOptions;
    private readonly TlsTransportOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentStack<PooledConnection> _idle = new();
    private readonly SemaphoreSlim _slots;
    private PeerId? _expected;
    private volatile bool _disposed;

    public TlsConnectionPool(IPEndPoint endPoint, PeerId? expected, TransportCredentials credentials, TlsTransportOptions options, ILogger logger)
    {
        RemoteEndPoint = endPoint;
        _expected = expected;
        _clientOptions = TlsSettings.Client(credentials); // one certificate context for every connection of the pool
        _options = options;
        _logger = logger;
        _slots = new SemaphoreSlim(Math.Max(1, options.ConnectionsPerPeer));
    }

    public PeerId RemotePeerId => _expected ?? default;

    public IPEndPoint RemoteEndPoint { get; }

    public async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(cancellationToken);
        _idle.Push(connection);
    }

    public async ValueTask<IPeerStream> OpenStreamAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _slots.WaitAsync(cancellationToken);
        try
        {
            while (_idle.TryPop(out var pooled))
            {
                if (pooled.IdleFor < _options.PooledConnectionIdleTimeout && pooled.Socket.Connected)
                {
                    return new TlsClientStream(this, pooled);
                }

                await pooled.DisposeAsync();
            }

            return new TlsClientStream(this, await ConnectAsync(cancellationToken));
        }
        catch
        {
            _slots.Release();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        while (_idle.TryPop(out var pooled))
        {
            await pooled.DisposeAsync();
        }
    }

    internal async ValueTask ReturnAsync(PooledConnection connection, bool reusable)
    {
        try
        {
            if (reusable && !_disposed)
            {
                connection.MarkIdle();
                _idle.Push(connection);
            }
            else
            {
                await connection.DisposeAsync();
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task<PooledConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.HandshakeTimeout);
        var socket = new Socket(RemoteEndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        SslStream? ssl = null;
        try
        {
            await socket.ConnectAsync(RemoteEndPoint, timeout.Token);
            ssl = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
            await ssl.AuthenticateAsClientAsync(_clientOptions, timeout.Token);
            var actual = TlsSettings.IdOf(ssl.RemoteCertificate);
            var expected = _expected;
            if (expected is { } id && id != actual)
            {
                throw new PeerIdentityMismatchException(id, actual);
            }

            _expected ??= actual;
            _logger.LogDebug("TLS connection to {Peer} at {EndPoint} ({Protocol}, {Cipher})", actual.Abbreviated, RemoteEndPoint, ssl.SslProtocol, ssl.NegotiatedCipherSuite);
            return new PooledConnection(socket, ssl);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await DisposeQuietly(ssl, socket);
            throw new TimeoutException($"no TLS connection to {RemoteEndPoint} within {_options.HandshakeTimeout.TotalSeconds:0}s");
        }
        catch
        {
            await DisposeQuietly(ssl, socket);
            throw;
        }
    }

    private static async ValueTask DisposeQuietly(SslStream? ssl, Socket socket)
    {
        if (ssl is not null)
        {
            await ssl.DisposeAsync();
        }

        socket.Dispose();
    }

    internal sealed class PooledConnection(Socket socket, SslStream ssl) : IAsyncDisposable
    {
        private long _idleSince = Stopwatch.GetTimestamp();

        public Socket Socket { get; } = socket;

        public SslStream Ssl { get; } = ssl;

        public TimeSpan IdleFor => Stopwatch.GetElapsedTime(_idleSince);

        public void MarkIdle() => _idleSince = Stopwatch.GetTimestamp();

        public async ValueTask DisposeAsync()
        {
            await Ssl.DisposeAsync();
            Socket.Dispose();
        }
    }
}
