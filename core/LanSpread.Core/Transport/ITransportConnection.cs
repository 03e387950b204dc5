using System.Net;
using LanSpread.Core.Model;

namespace LanSpread.Core.Transport;

/// <summary>
/// A client-side link to one verified peer. Opening a stream is cheap (no handshake per request); a
/// transport may pool several underlying connections so streams run concurrently.
/// </summary>
public interface ITransportConnection : IAsyncDisposable
{
    /// <summary>The verified id of the remote peer.</summary>
    PeerId RemotePeerId { get; }

    /// <summary>The remote address.</summary>
    IPEndPoint RemoteEndPoint { get; }

    /// <summary>Opens a new bidirectional stream for one request.</summary>
    /// <param name="cancellationToken">Cancels the open.</param>
    ValueTask<IPeerStream> OpenStreamAsync(CancellationToken cancellationToken);
}
