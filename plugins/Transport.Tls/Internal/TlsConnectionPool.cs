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
/// A pool holds only what the work needs: connections are opened when every pooled one is busy, and
/// idle ones beyond the most recently used are closed after <see cref="TlsTransportOptions.SpareConnectionIdleTimeout"/>
/// (a download's extra connections do not linger at a hundred peers); the last one after
/// <see cref="TlsTransportOptions.PooledConnectionIdleTimeout"/>.
/// </summary>
internal sealed class TlsConnectionPool : ITransportConnection, ITransportConnectionState
{
    /// <summary>
    /// What one recv may take from the socket under the TLS layer (see <see cref="ReadAheadStream"/>): eight
    /// records, 1 MiB for a full pool of eight connections.
    /// </summary>
    private const int ReadAheadBytes = 128 * 1024;

    private readonly SslClientAuthenticationOptions _clientOptions;
    private readonly TlsTransportOptions _options;
    private readonly ILogger _logger;
    // Most recently used last: reuse takes from the end, so the spares at the front age and are pruned.
    private readonly List<PooledConnection> _idle = [];
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _slots;
    private long _lastExchange;
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

    public TimeSpan? SinceLastExchange => Interlocked.Read(ref _lastExchange) is var at and not 0 ? Stopwatch.GetElapsedTime(at) : null;

    public async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(cancellationToken);
        Interlocked.Exchange(ref _lastExchange, Stopwatch.GetTimestamp());
        lock (_gate)
        {
            _idle.Add(connection);
        }
    }

    public bool CheckRemoteClosed()
    {
        List<PooledConnection> closed;
        List<PooledConnection> stale;
        lock (_gate)
        {
            closed = _idle.Where(c => c.RemoteClosed()).ToList();
            _idle.RemoveAll(closed.Contains);
            stale = PruneLocked();
        }

        foreach (var connection in closed.Concat(stale))
        {
            _ = connection.DisposeAsync().AsTask();
        }

        return closed.Count > 0;
    }

    public async ValueTask<IPeerStream> OpenStreamAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _slots.WaitAsync(cancellationToken);
        try
        {
            while (TakeIdle() is { } pooled)
            {
                if (pooled.IdleFor < _options.PooledConnectionIdleTimeout && pooled.Socket.Connected && !pooled.RemoteClosed())
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
        while (TakeIdle() is { } pooled)
        {
            await pooled.DisposeAsync();
        }
    }

    internal async ValueTask ReturnAsync(PooledConnection connection, bool reusable)
    {
        try
        {
            if (reusable)
            {
                Interlocked.Exchange(ref _lastExchange, Stopwatch.GetTimestamp());
            }

            if (reusable && !_disposed)
            {
                connection.MarkIdle();
                List<PooledConnection> stale;
                lock (_gate)
                {
                    _idle.Add(connection);
                    stale = PruneLocked();
                }

                foreach (var old in stale)
                {
                    await old.DisposeAsync();
                }
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

    private PooledConnection? TakeIdle()
    {
        lock (_gate)
        {
            if (_idle.Count == 0)
            {
                return null;
            }

            var last = _idle[^1];
            _idle.RemoveAt(_idle.Count - 1);
            return last;
        }
    }

    /// <summary>Removes spare idle connections (all but the most recent) idle past the spare timeout.</summary>
    private List<PooledConnection> PruneLocked()
    {
        var stale = new List<PooledConnection>();
        for (var i = _idle.Count - 2; i >= 0; i--)
        {
            if (_idle[i].IdleFor >= _options.SpareConnectionIdleTimeout)
            {
                stale.Add(_idle[i]);
                _idle.RemoveAt(i);
            }
        }

        return stale;
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
            ssl = new SslStream(new ReadAheadStream(new NetworkStream(socket, ownsSocket: true), ReadAheadBytes), leaveInnerStreamOpen: false);
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

        /// <summary>
        /// An idle connection that polls readable with nothing to read was closed (FIN) or reset by the
        /// remote end. Pending bytes (a late TLS session ticket) mean "open", not "closed".
        /// </summary>
        public bool RemoteClosed()
        {
            try
            {
                return Socket.Poll(0, SelectMode.SelectRead) && Socket.Available == 0;
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                return true;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await Ssl.DisposeAsync();
            Socket.Dispose();
        }
    }
}
