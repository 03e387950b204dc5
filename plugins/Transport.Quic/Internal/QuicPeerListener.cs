using System.Net;
using System.Net.Quic;
using System.Threading.Channels;
using LanSpread.Core.Transport;
using Microsoft.Extensions.Logging;

namespace LanSpread.Transport.Quic.Internal;

/// <summary>Accepts QUIC connections and yields every inbound bidirectional stream (the loop itself is <see cref="PeerStreamListener{TConnection}"/>).</summary>
internal sealed class QuicPeerListener : PeerStreamListener<QuicConnection>
{
    private readonly QuicListener _listener;

    private QuicPeerListener(QuicListener listener, ILogger logger)
        : base(logger)
    {
        _listener = listener;
        StartAccepting();
    }

    public override IPEndPoint LocalEndPoint => _listener.LocalEndPoint;

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

    protected override ValueTask<QuicConnection> AcceptConnectionAsync(CancellationToken cancellationToken) => _listener.AcceptConnectionAsync(cancellationToken);

    // A failed handshake concerns that client only.
    protected override bool IsTransient(Exception error) => error is QuicException or System.Security.Authentication.AuthenticationException;

    protected override ValueTask CloseAsync() => _listener.DisposeAsync();

    protected override Task ServeConnectionAsync(QuicConnection connection) => AcceptStreamsAsync(connection);

    private async Task AcceptStreamsAsync(QuicConnection connection)
    {
        await using (connection)
        {
            var peer = QuicSettings.IdOf(connection.RemoteCertificate);
            try
            {
                while (!Stopping.IsCancellationRequested)
                {
                    var stream = await connection.AcceptInboundStreamAsync(Stopping);
                    await QueueAsync(new QuicPeerStream(stream, peer, connection.RemoteEndPoint));
                }
            }
            catch (Exception ex) when (ex is QuicException or OperationCanceledException or ChannelClosedException or ObjectDisposedException)
            {
                Logger.LogDebug("QUIC connection from {Remote} ended: {Error}", connection.RemoteEndPoint, ex.Message);
            }
        }
    }
}
