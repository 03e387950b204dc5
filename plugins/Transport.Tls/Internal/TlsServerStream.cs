using System.Net;
using LanSpread.Core.Model;
using LanSpread.Core.Transport;

namespace LanSpread.Transport.Tls.Internal;

/// <summary>One inbound exchange on a server-side TLS connection; the connection waits on <see cref="Finished"/>.</summary>
internal sealed class TlsServerStream : IPeerStream
{
    private readonly TaskCompletionSource<bool> _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _completed;

    public TlsServerStream(Stream connection, byte firstByte, PeerId remotePeer, IPEndPoint remote)
    {
        Stream = new PrefixedStream(firstByte, connection);
        RemotePeerId = remotePeer;
        RemoteEndPoint = remote;
    }

    public Stream Stream { get; }

    public PeerId RemotePeerId { get; }

    public IPEndPoint RemoteEndPoint { get; }

    /// <summary>True when the exchange completed and the connection may carry the next request.</summary>
    public Task<bool> Finished => _finished.Task;

    public void MarkCompleted() => _completed = true;

    public ValueTask DisposeAsync()
    {
        _finished.TrySetResult(_completed);
        return ValueTask.CompletedTask;
    }
}
