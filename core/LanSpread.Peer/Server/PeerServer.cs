using System.Buffers;
using LanSpread.Core.Transport;
using LanSpread.Peer.FileSystem;
using LanSpread.Peer.Library;
using LanSpread.Peer.Peers;
using LanSpread.Peer.Protocol;
using LanSpread.Peer.Runtime;
using LanSpread.Peer.Swarm;
using Microsoft.Extensions.Logging;

namespace LanSpread.Peer.Server;

/// <summary>
/// Answers requests from other peers out of the local library: one task per stream, each request
/// validated (version, type, game, path, range) and answered with a structured error when bad, so one
/// bad client never affects the others. File bytes are read with positioned reads into one pooled
/// buffer per stream and written raw after the response frame; no file is ever held in memory.
/// Bounds: every write must complete within <see cref="PeerRuntimeOptions.SendTimeout"/> (a reader
/// that takes nothing is dropped), and the copy buffers of all transfers share
/// <see cref="PeerRuntimeOptions.SendBufferBudget"/>.
/// </summary>
internal sealed class PeerServer
{
    private const int MaxCopyBufferSize = 1024 * 1024;
    private const int MinCopyBufferSize = 16 * 1024;
    private const int TlsRecordOverhead = 64;

    // A trim is worth it once the server held this many streams at once and falls back below the low mark.
    private const int TrimHighWater = 32;
    private const int TrimLowWater = 4;

    private readonly PeerRuntimeOptions _options;
    private readonly LocalLibrary _library;
    private readonly OperationTracker _operations;
    private readonly PeerConnector _connector;
    private readonly PeerLiveness _liveness;
    private readonly PartialDownloads _partials;
    private readonly UploadLimiter _uploads;
    private readonly ILogger _logger;
    private readonly GameListHistory _listings = new();
    private int _sending;
    private int _streams;
    private int _peakStreams;
    private int _trimScheduled;

    public PeerServer(PeerRuntimeOptions options, LocalLibrary library, OperationTracker operations, PeerConnector connector, PeerLiveness liveness, PartialDownloads partials, UploadLimiter uploads, ILogger<PeerServer> logger)
    {
        _options = options;
        _library = library;
        _operations = operations;
        _connector = connector;
        _liveness = liveness;
        _partials = partials;
        _uploads = uploads;
        _logger = logger;
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
        var streams = Interlocked.Increment(ref _streams);
        if (streams > Volatile.Read(ref _peakStreams))
        {
            Volatile.Write(ref _peakStreams, streams);
        }

        try
        {
            await HandleStreamAsync(stream, cancellationToken);
        }
        finally
        {
            if (Interlocked.Decrement(ref _streams) <= TrimLowWater && Volatile.Read(ref _peakStreams) >= TrimHighWater
                && Interlocked.Exchange(ref _trimScheduled, 1) == 0)
            {
                _ = TrimWhenQuietAsync(cancellationToken);
            }
        }
    }

    /// <summary>After a burst (many streams, most now gone), hands the memory they used back to the system.</summary>
    private async Task TrimWhenQuietAsync(CancellationToken cancellationToken)
    {
        try
        {
            // Let the rest of the burst's connections close first; one trim covers them all.
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            var before = Environment.WorkingSet;
            var managed = GC.GetGCMemoryInfo().TotalCommittedBytes;
            MemoryTrim.Run();
            Volatile.Write(ref _peakStreams, Volatile.Read(ref _streams));
            _logger.LogInformation("Returned memory after a burst of clients: working set {Before} MiB -> {After} MiB (managed heap committed {Managed} MiB -> {ManagedAfter} MiB)",
                before >> 20, Environment.WorkingSet >> 20, managed >> 20, GC.GetGCMemoryInfo().TotalCommittedBytes >> 20);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            Volatile.Write(ref _trimScheduled, 0);
        }
    }

    private async Task HandleStreamAsync(IPeerStream stream, CancellationToken cancellationToken)
    {
        await using var _ = stream;
        Request request;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.RequestTimeout);
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
        catch (SendTimeoutException ex)
        {
            _logger.LogInformation("Dropped {Peer} at {Remote} during {Type} of {Game}: {Error}", stream.RemotePeerId.Abbreviated, stream.RemoteEndPoint, request.Type, request.Game, ex.Message);
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

        var library = _library;
        var client = _connector.Find(stream.RemotePeerId);
        if (client is not null)
        {
            _liveness.Heard(client.Id); // its ping to us spares ours to it
        }

        switch (request.Type)
        {
            case RequestType.Ping:
                if (client is not null && request.Revision != 0)
                {
                    // The pinging peer's library moved: re-list it now, not at our next ping.
                    _ = _connector.RefreshIfChangedQuietlyAsync(client, request.Revision, cancellationToken);
                }

                await FrameCodec.WriteResponseAsync(stream.Stream, Ok() with { Name = _options.Name, Revision = library.Revision }, cancellationToken);
                return;
            case RequestType.ListGames:
                // A game being downloaded here is incomplete: not announced until its sentinel is back.
                var listing = _listings.Answer(
                    library.Revision,
                    () => library.Announced().Where(g => _operations.RunningOperation(g.Id) != OperationTracker.Download)
                        .Select(g => _options.LieAboutVersions?.GetValueOrDefault(g.Id) is { } lie ? g with { Version = lie } : g).ToList(),
                    request);
                // Games still hashing are not listed yet: say which, so a client waiting for one keeps waiting.
                var hashing = library.PendingHashes;
                if (hashing.Count > 0)
                {
                    listing = listing with { Hashing = hashing.Take(ProtocolConstants.MaxHashingIds).ToList() };
                }

                await FrameCodec.WriteResponseAsync(stream.Stream, listing, cancellationToken);
                return;
            case RequestType.GetGame:
                var details = ServedGame(request.Game).Details;
                if (details is not null && _options.LieAboutVersions?.GetValueOrDefault(details.Id) is { } lied)
                {
                    details = details with { Version = lied, Manifest = details.Manifest is null ? null : Library.ManifestCodec.Create(lied, details.Manifest.Files) };
                }

                await FrameCodec.WriteResponseAsync(stream.Stream, Ok() with { Details = details }, cancellationToken);
                return;
            case RequestType.GetChunkMap:
                await FrameCodec.WriteResponseAsync(stream.Stream, Ok() with { ChunkMap = ChunkMapOf(request.Game) }, cancellationToken);
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
        var game = id is null ? null : _library.Find(id);
        if (game is null || !game.Game.IsDownloaded || !game.Game.InCatalog || game.HashPending
            || _operations.RunningOperation(game.Game.Id) == OperationTracker.Download
            || !File.Exists(Path.Combine(_library.RootOf(game.Game.Id), GameRootLayout.VersionFile)))
        {
            throw new ProtocolException(ErrorCode.UnknownGame, $"game '{id}' is not available here");
        }

        return game;
    }

    /// <summary>
    /// What this peer holds of a game: the running download's verified chunks (partial), else the
    /// complete served copy. A game being downloaded is answered as partial even when an older version
    /// is installed, because the older one is not served meanwhile.
    /// </summary>
    private ChunkMap ChunkMapOf(string? id)
    {
        if (_partials.Find(id) is { } partial)
        {
            return new ChunkMap(partial.Manifest.Version, partial.Manifest.Digest, false, partial.Count, Convert.ToBase64String(partial.Bitmap()), partial.Generation);
        }

        var details = ServedGame(id).Details;
        if (details?.Manifest is not { } manifest)
        {
            throw new ProtocolException(ErrorCode.UnknownGame, $"game '{id}' has no manifest here");
        }

        return new ChunkMap(manifest.Version, manifest.Digest, true, manifest.Files.Sum(f => f.Chunks.Count), null, 0);
    }

    /// <summary>
    /// The file a transfer reads: the served copy's file, or, while the game downloads here, the staged
    /// (or unchanged in-place) file of a verified chunk. A partial peer serves whole verified chunks only.
    /// </summary>
    private (string GameId, string Path) SourceOf(Request request)
    {
        if (_partials.Find(request.Game) is { } partial)
        {
            var root = _library.RootOf(partial.Game);
            if (!GamePathResolver.TryResolve(root, request.Path, out var inPlace, out var refused))
            {
                throw new ProtocolException(ErrorCode.PathRefused, $"path '{request.Path}' refused: {refused}");
            }

            if (request.Type != RequestType.GetGameFileChunk || !partial.TryLocate(request.Path!, request.Offset, request.Length, out var staged))
            {
                throw new ProtocolException(ErrorCode.NotFound, $"'{request.Path}' {request.Offset}+{request.Length} is not a verified chunk of the partial copy of '{partial.Game}' here");
            }

            return (partial.Game, staged ? Path.Combine(root, GameRootLayout.PartialDirectory, request.Path!) : inPlace);
        }

        var game = ServedGame(request.Game);
        if (!GamePathResolver.TryResolve(_library.RootOf(game.Game.Id), request.Path, out var path, out var problem))
        {
            throw new ProtocolException(ErrorCode.PathRefused, $"path '{request.Path}' refused: {problem}");
        }

        return (game.Game.Id, path);
    }

    private async Task SendFileAsync(IPeerStream stream, Request request, CancellationToken cancellationToken)
    {
        var (gameId, path) = SourceOf(request);
        if (!File.Exists(path))
        {
            throw new ProtocolException(ErrorCode.NotFound, $"'{request.Path}' is not a file of '{gameId}'");
        }

        // One of the client's upload slots first: a client with many requests waits for its own, not others'.
        using var slot = await _uploads.EnterAsync(stream.RemotePeerId, cancellationToken);

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

        var sending = Interlocked.Increment(ref _sending);
        var (bufferSize, writeSize) = CopyBufferSize(sending);
        writeSize = Math.Min(writeSize, _uploads.WriteSize);
        var buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
        using var send = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            send.CancelAfter(_options.SendTimeout);
            await FrameCodec.WriteResponseAsync(stream.Stream, Ok() with { DataLength = length }, send.Token);
            var position = offset;
            var end = offset + length;
            var drop = request.Type == RequestType.GetGameFileChunk && FixtureFaults.DropThisChunk();
            while (position < end)
            {
                if (drop && position - offset >= length / 2)
                {
                    throw new IOException("LANSPREAD_FIXTURE_DROP_EVERY: dropping this chunk halfway");
                }

                var want = (int)Math.Min(writeSize, end - position);
                await _uploads.AcquireAsync(want, cancellationToken);
                var read = await RandomAccess.ReadAsync(handle, buffer.AsMemory(0, want), position, cancellationToken);
                if (read == 0)
                {
                    throw new IOException($"'{request.Path}' shrank while being sent");
                }

                // The timer restarts with every write: a slow reader is fine, one that takes nothing is not.
                send.CancelAfter(_options.SendTimeout);
                await stream.Stream.WriteAsync(buffer.AsMemory(0, read), send.Token);
                position += read;
            }

            send.CancelAfter(_options.SendTimeout);
            await stream.Stream.FlushAsync(send.Token);
        }
        catch (OperationCanceledException) when (send.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new SendTimeoutException($"the client took no data for {_options.SendTimeout.TotalSeconds:0.#}s");
        }
        finally
        {
            Interlocked.Decrement(ref _sending);
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// A share of the buffer budget: 1 MiB while few transfers run, a power of two down to 16 KiB while
    /// many do. At the floor, writes are one TLS record's worth (16 KiB minus the record overhead) so
    /// the TLS layer's own per-write buffers stay at 16 KiB too: a stalled reader then pins about
    /// 48 KiB of buffers, not several times its share.
    /// </summary>
    private (int BufferSize, int WriteSize) CopyBufferSize(int transfers)
    {
        var share = Math.Clamp(_options.SendBufferBudget / Math.Max(1, transfers), MinCopyBufferSize, MaxCopyBufferSize);
        var size = (int)Math.Max(System.Numerics.BitOperations.RoundUpToPowerOf2((uint)share + 1) / 2, MinCopyBufferSize);
        return (size, size == MinCopyBufferSize ? MinCopyBufferSize - TlsRecordOverhead : size);
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
