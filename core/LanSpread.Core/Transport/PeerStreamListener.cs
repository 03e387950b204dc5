using System.Net;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace LanSpread.Core.Transport;

/// <summary>
/// The accept and drain loop a connection-oriented <see cref="ITransportListener"/> needs, written once
/// (the TLS and QUIC transports both derive from it; an out-of-tree transport may too). One loop accepts
/// connections and hands each to <see cref="ServeConnectionAsync"/> on its own task; that method turns
/// the requests it reads into streams with <see cref="QueueAsync"/>; the server takes them with
/// <see cref="AcceptStreamAsync"/>. Disposal stops accepting, closes the endpoint, disposes the streams
/// queued but never taken and waits for the loop, so a closed listener holds no socket and no task.
/// </summary>
/// <typeparam name="TConnection">What the endpoint accepts (a socket, a QUIC connection).</typeparam>
public abstract class PeerStreamListener<TConnection> : ITransportListener
    where TConnection : class
{
    /// <summary>How many streams may wait for the server before the connections producing them wait too.</summary>
    public const int QueueCapacity = 256;

    private readonly Channel<IPeerStream> _accepted = Channel.CreateBounded<IPeerStream>(QueueCapacity);
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private int _disposed;

    /// <summary>Creates the listener; the loop starts with <see cref="StartAccepting"/>.</summary>
    /// <param name="logger">Where accept failures and ended connections are logged (debug).</param>
    protected PeerStreamListener(ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        Logger = logger;
        Stopping = _stop.Token;
    }

    /// <inheritdoc />
    public abstract IPEndPoint LocalEndPoint { get; }

    /// <summary>The logger given at construction.</summary>
    protected ILogger Logger { get; }

    /// <summary>Cancelled when the listener is disposed: every connection's work ends with it.</summary>
    protected CancellationToken Stopping { get; }

    /// <inheritdoc />
    public async ValueTask<IPeerStream?> AcceptStreamAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _accepted.Reader.ReadAsync(cancellationToken);
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync();
        await CloseAsync();
        _accepted.Writer.TryComplete();
        while (_accepted.Reader.TryRead(out var pending))
        {
            await pending.DisposeAsync();
        }

        try
        {
            await _loop;
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException || IsTransient(ex))
        {
        }

        _stop.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Starts the accept loop; call once the endpoint is bound (the end of the derived constructor).</summary>
    protected void StartAccepting() => _loop = Task.Run(AcceptLoopAsync);

    /// <summary>Waits for the next connection; throws <see cref="OperationCanceledException"/> or <see cref="ObjectDisposedException"/> once closed.</summary>
    /// <param name="cancellationToken"><see cref="Stopping"/>.</param>
    protected abstract ValueTask<TConnection> AcceptConnectionAsync(CancellationToken cancellationToken);

    /// <summary>Whether an accept error concerns one connection only (logged; the loop goes on).</summary>
    /// <param name="error">What the accept threw.</param>
    protected abstract bool IsTransient(Exception error);

    /// <summary>
    /// Decides at once, on the accept loop, whether a connection is taken (e.g. under a total cap);
    /// a refused one must be closed here. The default takes every connection.
    /// </summary>
    /// <param name="connection">The new connection.</param>
    protected virtual bool Admit(TConnection connection) => true;

    /// <summary>Serves one admitted connection until it ends, queueing its requests with <see cref="QueueAsync"/>; runs on its own task.</summary>
    /// <param name="connection">The connection, owned by this method from now on.</param>
    protected abstract Task ServeConnectionAsync(TConnection connection);

    /// <summary>Called once an admitted connection's serve task ended, however it ended (to release what <see cref="Admit"/> counted).</summary>
    /// <param name="connection">The connection that ended.</param>
    protected virtual void Released(TConnection connection)
    {
    }

    /// <summary>Closes the endpoint so a pending <see cref="AcceptConnectionAsync"/> ends.</summary>
    protected abstract ValueTask CloseAsync();

    /// <summary>Hands a request stream to the server; waits while <see cref="QueueCapacity"/> streams are waiting.</summary>
    /// <param name="stream">The stream.</param>
    protected ValueTask QueueAsync(IPeerStream stream) => _accepted.Writer.WriteAsync(stream, Stopping);

    private async Task AcceptLoopAsync()
    {
        while (!Stopping.IsCancellationRequested)
        {
            TConnection connection;
            try
            {
                connection = await AcceptConnectionAsync(Stopping);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (Exception ex) when (IsTransient(ex))
            {
                Logger.LogDebug("Accept failed: {Error}", ex.Message);
                continue;
            }

            if (!Admit(connection))
            {
                continue;
            }

            _ = Task.Run(async () =>
            {
                try
                {
                    await ServeConnectionAsync(connection);
                }
                catch (Exception ex)
                {
                    // A connection's failure is its own; the listener and the other connections go on.
                    Logger.LogDebug("A connection ended: {Error}", ex.Message);
                }
                finally
                {
                    Released(connection);
                }
            });
        }
    }
}
