using System.Net;

namespace LanSpread.Core.Transport;

/// <summary>
/// An encrypted, multiplexed connection layer between peers (Kestrel's listener/connection factories
/// folded into one part). Implementations open one logical bidirectional stream per request.
/// Platform availability is reported through <see cref="Composition.IPlatformSupport"/>.
/// </summary>
public interface ITransport
{
    /// <summary>The short name hosts select it by (<c>--transport tls</c>). Defaults to the name in the export attribute, so a part states it once.</summary>
    string Name => Composition.ExportPluginAttribute.NameOf(this);

    /// <summary>Starts listening for peers on <paramref name="endPoint"/>.</summary>
    /// <param name="endPoint">The address and port; port 0 picks a free port.</param>
    /// <param name="credentials">This peer's certificate and id.</param>
    /// <param name="cancellationToken">Cancels the bind.</param>
    ValueTask<ITransportListener> ListenAsync(IPEndPoint endPoint, TransportCredentials credentials, CancellationToken cancellationToken);

    /// <summary>
    /// Connects to a peer. When <paramref name="expectedPeer"/> is given the peer's certificate must hash
    /// to it, otherwise the connection is refused with <see cref="PeerIdentityMismatchException"/>.
    /// </summary>
    /// <param name="endPoint">The peer's address.</param>
    /// <param name="expectedPeer">The id the peer advertised, if known.</param>
    /// <param name="credentials">This peer's certificate and id (presented to the server).</param>
    /// <param name="cancellationToken">Cancels the connect.</param>
    ValueTask<ITransportConnection> ConnectAsync(IPEndPoint endPoint, Model.PeerId? expectedPeer, TransportCredentials credentials, CancellationToken cancellationToken);
}
