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
internal sealed class TlsListener : PeerStreamListener<Socket>
{
    private readonly Socket _socket;
    private readonly SslServerAuthenticationOptions _serverOptions;
    private readonly TlsTransportOptions _options;
    private readonly ConcurrentDictionary<PeerId, int> _perPeer = new();
    private readonly ConcurrentDictionary<IPAddress, int> _handshaking = new();
    private readonly ConcurrentDictionary<IPAddress, int> _perAddress = new();
    private int _open;

    private TlsListener(Socket socket, TransportCredentials credentials, TlsTransportOptions options, ILogger logger)
        : base(logger)
    {
        _socket = socket;
        // One set of options (and so one certificate context) for every connection: built per
        // connection it cost a TLS context each, about 100 KiB of native memory per open connection.
        _serverOptions = TlsSettings.Server(credentials);
        _options = options;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        StartAccepting();
    }

    public override IPEndPoint LocalEndPoint { get; }

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

    protected override ValueTask<Socket> AcceptConnectionAsync(CancellationToken cancellationToken) => _socket.AcceptAsync(cancellationToken);

    protected override bool IsTransient(Exception error) => error is SocketException;

    protected override bool Admit(Socket connection)
    {
        if (Interlocked.Increment(ref _open) > _options.MaxServerConnections)
        {
            Interlocked.Decrement(ref _open);
            Logger.LogDebug("Refused a connection from {Remote}: {Max} connections open (tls.maxServerConnections)", connection.RemoteEndPoint, _options.MaxServerConnections);
            connection.Dispose();
            return false;
        }

        connection.NoDelay = true;
        return true;
    }

    protected override void Released(Socket connection) => Interlocked.Decrement(ref _open);

    protected override ValueTask CloseAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
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

    protected override async Task ServeConnectionAsync(Socket client)
    {
        var remote = (IPEndPoint)client.RemoteEndPoint!;
        var ssl = new SslStream(new NetworkStream(client, ownsSocket: true), leaveInnerStreamOpen: false);
        PeerId? counted = null;
        IPAddress? address = null;
        try
        {
            if (!TryEnter(_perAddress, remote.Address, _options.MaxConnectionsPerAddress))
            {
                Logger.LogDebug("Refused a connection from {Remote}: that address holds {Max} already (tls.maxConnectionsPerAddress)", remote, _options.MaxConnectionsPerAddress);
                return;
            }

            address = remote.Address;
            if (!TryEnter(_handshaking, remote.Address, _options.MaxHandshakesPerAddress))
            {
                Logger.LogDebug("Refused a connection from {Remote}: {Max} handshakes from that address in progress", remote, _options.MaxHandshakesPerAddress);
                return;
            }

            try
            {
                using var handshake = CancellationTokenSource.CreateLinkedTokenSource(Stopping);
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
                Logger.LogDebug("Refused a connection from peer {Peer} at {Remote}: it already holds {Max} (tls.maxConnectionsPerPeer)", peer.Abbreviated, remote, _options.MaxConnectionsPerPeer);
                return;
            }

            counted = peer;
            var first = new byte[1];
            while (!Stopping.IsCancellationRequested)
            {
                // Wait for the first byte of the next request before handing a stream out, so an idle
                // connection closing is not mistaken for a truncated request.
                int read;
                using (var idle = CancellationTokenSource.CreateLinkedTokenSource(Stopping))
                {
                    idle.CancelAfter(_options.ServerIdleTimeout);
                    read = await ssl.ReadAsync(first, idle.Token);
                }

                if (read == 0)
                {
                    return;
                }

                var stream = new TlsServerStream(ssl, first[0], peer, remote);
                await QueueAsync(stream);
                // Also give up when the listener closes: a stream queued but never taken by the server
                // must not keep the connection (and the client waiting on it) open.
                if (!await stream.Finished.WaitAsync(Stopping))
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or System.Security.Authentication.AuthenticationException or ChannelClosedException or ObjectDisposedException or SocketException)
        {
            Logger.LogDebug("Connection from {Remote} ended: {Error}", remote, ex.Message);
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
