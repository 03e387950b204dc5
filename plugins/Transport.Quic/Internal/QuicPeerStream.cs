using System.Net;
using System.Net.Quic;
using LanSpread.Core.Model;
using LanSpread.Core.Transport;

namespace LanSpread.Transport.Quic.Internal;

/// <summary>One request on its own QUIC stream; an uncompleted stream is aborted on dispose.</summary>
internal sealed class QuicPeerStream(QuicStream stream, PeerId peer, IPEndPoint remote) : IPeerStream
{
    private bool _completed;

    public Stream Stream => stream;

    public PeerId RemotePeerId => peer;

    public IPEndPoint RemoteEndPoint => remote;

    public void MarkCompleted() => _completed = true;

    public async ValueTask DisposeAsync()
    {
        if (_completed)
        {
            stream.CompleteWrites();
        }
        else
        {
            stream.Abort(QuicAbortDirection.Both, 1);
        }

        await stream.DisposeAsync();
    }
}
