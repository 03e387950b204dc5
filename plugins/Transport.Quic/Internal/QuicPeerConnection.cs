using System.Net;
using System.Net.Quic;
using LanSpread.Core.Model;
using LanSpread.Core.Transport;

namespace LanSpread.Transport.Quic.Internal;

/// <summary>The client side: one QUIC connection, a new bidirectional stream per request.</summary>
internal sealed class QuicPeerConnection : ITransportConnection
{
    private readonly QuicConnection _connection;

    private QuicPeerConnection(QuicConnection connection, PeerId peer)
    {
        _connection = connection;
        RemotePeerId = peer;
    }

    public PeerId RemotePeerId { get; }

    public IPEndPoint RemoteEndPoint => _connection.RemoteEndPoint;

    public static async Task<QuicPeerConnection> ConnectAsync(IPEndPoint endPoint, PeerId? expected, TransportCredentials credentials, QuicTransportOptions options, CancellationToken cancellationToken)
    {
        var connection = await QuicConnection.ConnectAsync(QuicSettings.Client(endPoint, credentials, options), cancellationToken);
        var actual = QuicSettings.IdOf(connection.RemoteCertificate);
        if (expected is { } id && id != actual)
        {
            await connection.DisposeAsync();
            throw new PeerIdentityMismatchException(id, actual);
        }

        return new QuicPeerConnection(connection, actual);
    }

    public async ValueTask<IPeerStream> OpenStreamAsync(CancellationToken cancellationToken)
    {
        var stream = await _connection.OpenOutboundStreamAsync(QuicStreamType.Bidirectional, cancellationToken);
        return new QuicPeerStream(stream, RemotePeerId, _connection.RemoteEndPoint);
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
