using System.Net;
using LanSpread.Core.Model;
using LanSpread.Core.Transport;

namespace LanSpread.Transport.Tls.Internal;

/// <summary>One outbound exchange on a lent connection; the connection goes back to the pool only if completed.</summary>
internal sealed class TlsClientStream : IPeerStream
{
    private readonly TlsConnectionPool _pool;
    private readonly TlsConnectionPool.PooledConnection _connection;
    private bool _completed;
    private int _disposed;

    public TlsClientStream(TlsConnectionPool pool, TlsConnectionPool.PooledConnection connection)
    {
        _pool = pool;
        _connection = connection;
    }

    public Stream Stream => _connection.Ssl;

    public PeerId RemotePeerId => _pool.RemotePeerId;

    public IPEndPoint RemoteEndPoint => _pool.RemoteEndPoint;

    public void MarkCompleted() => _completed = true;

    public ValueTask DisposeAsync() =>
        Interlocked.Exchange(ref _disposed, 1) == 0 ? _pool.ReturnAsync(_connection, _completed) : ValueTask.CompletedTask;
}
