using System.Buffers;
using LanSpread.Core.Transport;
using LanSpread.Peer.FileSystem;
using LanSpread.Peer.Protocol;
using LanSpread.Peer.Runtime;
using Microsoft.Extensions.Logging;

namespace LanSpread.Peer.Server;

/// <summary>
/// Answers requests from other peers out of the local library: one task per stream, each request
/// validated (version, type, game, path, range) and answered with a structured error when bad, so one
/// bad client never affects the others. File bytes are read with positioned reads into one pooled
/// buffer per stream and written raw after the response frame; no file is ever held in memory.
/// </summary>
internal sealed class PeerServer
{
    private const int CopyBufferSize = 1024 * 1024;

    private readonly RuntimeContext _context;
    private readonly ILogger _logger;
    private readonly GameListHistory _listings = new();

    public PeerServer(RuntimeContext context)
    {
        _context = context;
        _logger = context.LoggerFactory.CreateLogger<PeerServer>();
    }

    public async Task RunAsync(ITransportListener listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            IPeerStream? stream;
            try
            {
                stream = await listener.AcceptStreamAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (stream is null)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(stream, cancellationToken), CancellationToken.None);
        }
    }

    internal async Task HandleAsync(IPeerStream stream, CancellationToken cancellationToken)
    {
        await using var _ = stream;
        Request request;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_context.Options.RequestTimeout);
            request = await FrameCodec.ReadRequestAsync(stream.Stream, timeout.Token);
        }
        catch (ProtocolException ex)
        {
            _logger.LogDebug("Refused a request from {Remote}: {Code} {Error}", stream.RemoteEndPoint, ex.Code, ex.Message);
            await TrySendAsync(stream, Response.Failure(ex.Code, ex.Message), cancellationToken);
            return; // the stream's framing is unknown now: close it
        }
        catch (OperationCanceledException)
        {
            await TrySendAsync(stream, Response.Failure(ErrorCode.Malformed, "request not received in time"), CancellationToken.None);
            return;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            return; // client went away
        }

        try
        {
            await AnswerAsync(stream, request, cancellationToken);
            stream.MarkCompleted();
        }
        catch (ProtocolException ex)
        {
            _logger.LogDebug("Refused {Type} from {Remote}: {Code} {Error}", request.Type, stream.RemoteEndPoint, ex.Code, ex.Message);
            if (await TrySendAsync(stream, Response.Failure(ex.Code, ex.Message), cancellationToken))
            {
                stream.MarkCompleted();
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
        {
            _logger.LogDebug("Stream from {Remote} ended during {Type}: {Error}", stream.RemoteEndPoint, request.Type, ex.Message);
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Unexpected failure answering {Type} from {Remote}", request.Type, stream.RemoteEndPoint);
            await TrySendAsync(stream, Response.Failure(ErrorCode.Internal, "internal error"), cancellationToken);
        }
    }

    private async Task AnswerAsync(IPeerStream stream, Request request, CancellationToken cancellationToken)
    {
        if (request.V != ProtocolConstants.Version)
        {
            throw new ProtocolException(ErrorCode.IncompatibleVersion,
                $"incompatible protocol version {request.V}: this peer speaks version {ProtocolConstants.Version}; update LanSpread on one side");
        }

        if (string.IsNullOrEmpty(request.Type))
        {
            throw new ProtocolException(ErrorCode.Malformed, "request without a type");
        }

        var library = _context.Library;
        var client = _context.Connector.Find(stream.RemotePeerId);
        if (client is not null)
        {
            _context.Liveness.Heard(client.Id); // its ping to us spares ours to it
        }

        switch (request.Type)
        {
            case RequestType.Ping:
                if (client is not null && request.Revision != 0)
                {
                    // The pinging peer's library moved: re-list it now, not at our next ping.
                    _ = _context.Connector.RefreshIfChangedQuietlyAsync(client, request.Revision, cancellationToken);
                }

                await FrameCodec.WriteResponseAsync(stream.Stream, Ok() with { Name = _context.Options.Name, Revision = library.Revision }, cancellationToken);
                return;
            case RequestType.ListGames:
                // A game being downloaded here is incomplete: not announced until its sentinel is back.
                var listing = _listings.Answer(
                    library.Revision,
                    () => library.Announced().Where(g => _context.Operations.RunningOperation(g.Id) != OperationTracker.Download).ToList(),
                    request);
                await FrameCodec.WriteResponseAsync(stream.Stream, listing, cancellationToken);
                return;
            case RequestType.GetGame:
                await FrameCodec.WriteResponseAsync(stream.Stream, Ok() with { Details = ServedGame(request.Game).Details }, cancellationToken);
                return;
            case RequestType.GetGameFileData:
            case RequestType.GetGameFileChunk:
                await SendFileAsync(stream, request, cancellationToken);
                return;
            default:
                throw new ProtocolException(ErrorCode.UnknownRequest, $"unknown request type '{request.Type}'");
        }
    }

    private Library.ScannedGame ServedGame(string? id)
    {
        var game = id is null ? null : _context.Library.Find(id);
        if (game is null || !game.Game.IsDownloaded || !game.Game.InCatalog
            || _context.Operations.RunningOperation(game.Game.Id) == OperationTracker.Download
            || !File.Exists(Path.Combine(_context.Library.RootOf(game.Game.Id), GameRootLayout.VersionFile)))
        {
            throw new ProtocolException(ErrorCode.UnknownGame, $"game '{id}' is not available here");
        }

        return game;
    }

    private async Task SendFileAsync(IPeerStream stream, Request request, CancellationToken cancellationToken)
    {
        var game = ServedGame(request.Game);
        if (!GamePathResolver.TryResolve(_context.Library.RootOf(game.Game.Id), request.Path, out var path, out var problem))
        {
            throw new ProtocolException(ErrorCode.PathRefused, $"path '{request.Path}' refused: {problem}");
        }

        if (!File.Exists(path))
        {
            throw new ProtocolException(ErrorCode.NotFound, $"'{request.Path}' is not a file of '{game.Game.Id}'");
        }

        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileOptions.Asynchronous | FileOptions.SequentialScan);
        var fileLength = RandomAccess.GetLength(handle);
        long offset = 0, length = fileLength;
        if (request.Type == RequestType.GetGameFileChunk)
        {
            offset = request.Offset;
            length = request.Length;
            if (offset < 0 || length < 0 || offset > fileLength || length > fileLength - offset)
            {
                throw new ProtocolException(ErrorCode.BadRange, $"range {request.Offset}+{request.Length} is outside '{request.Path}' ({fileLength} bytes)");
            }
        }

        await FrameCodec.WriteResponseAsync(stream.Stream, Ok() with { DataLength = length }, cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            var position = offset;
            var end = offset + length;
            while (position < end)
            {
                var want = (int)Math.Min(buffer.Length, end - position);
                var read = await RandomAccess.ReadAsync(handle, buffer.AsMemory(0, want), position, cancellationToken);
                if (read == 0)
                {
                    throw new IOException($"'{request.Path}' shrank while being sent");
                }

                await stream.Stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                position += read;
            }

            await stream.Stream.FlushAsync(cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static Response Ok() => new(ProtocolConstants.Version, true);

    private static async Task<bool> TrySendAsync(IPeerStream stream, Response response, CancellationToken cancellationToken)
    {
        try
        {
            await FrameCodec.WriteResponseAsync(stream.Stream, response, cancellationToken);
            return true;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or NotSupportedException)
        {
            return false;
        }
    }
}
