using System.Net;
using LanSpread.Core.Model;

namespace LanSpread.Core.Transport;

/// <summary>
/// One bidirectional stream carrying exactly one request and its response. The protocol layer calls
/// <see cref="MarkCompleted"/> once it has read or written the whole exchange; disposing a stream that
/// was not completed aborts it, so a transport never reuses a connection left in an unknown state.
/// </summary>
public interface IPeerStream : IAsyncDisposable
{
    /// <summary>The duplex byte stream.</summary>
    Stream Stream { get; }

    /// <summary>The verified id of the peer on the other end.</summary>
    PeerId RemotePeerId { get; }

    /// <summary>The remote address.</summary>
    IPEndPoint RemoteEndPoint { get; }

    /// <summary>Declares the exchange finished cleanly (the transport may reuse what carried it).</summary>
    void MarkCompleted();
}
