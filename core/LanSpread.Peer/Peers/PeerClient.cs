using System.Net;
using System.Security.Cryptography;
using LanSpread.Core.Model;
using LanSpread.Core.Transport;
using LanSpread.Peer.Protocol;
using Microsoft.Win32.SafeHandles;

namespace LanSpread.Peer.Peers;

/// <summary>Requests to one connected peer, each on its own stream.</summary>
public sealed class PeerClient : IAsyncDisposable
{
    /// <summary>Received bytes are written in blocks of up to this size (progress is reported per block).</summary>
    private const int WriteBlock = 256 * 1024;

    private readonly ITransportConnection _connection;

    public PeerClient(ITransportConnection connection, string name)
    {
        _connection = connection;
        Name = name;
    }

    public PeerId Id => _connection.RemotePeerId;

    public string Name { get; set; }

    public IPEndPoint EndPoint => _connection.RemoteEndPoint;

    public PeerRef Ref => new(Name, Id);

    /// <summary>The transport link, for what it knows without a round trip (see ITransportConnectionState).</summary>
    internal ITransportConnection Connection => _connection;

    public Task<Response> PingAsync(CancellationToken cancellationToken) =>
        RequestAsync(new Request(ProtocolConstants.Version, RequestType.Ping), cancellationToken);

    /// <summary>A ping that tells the peer this library's revision (it re-lists us if it moved).</summary>
    public Task<Response> PingAsync(long revision, CancellationToken cancellationToken) =>
        RequestAsync(new Request(ProtocolConstants.Version, RequestType.Ping, Revision: revision), cancellationToken);

    public async Task<Response> ListGamesAsync(CancellationToken cancellationToken) =>
        await RequestAsync(new Request(ProtocolConstants.Version, RequestType.ListGames), cancellationToken);

    /// <summary>
    /// The peer's games in bounded pages; only the changes when <paramref name="since"/> is a revision
    /// the peer still remembers (it answers in full otherwise). A revision that moves between pages
    /// restarts the listing, so the pages always belong to one revision.
    /// </summary>
    public async Task<GameListing> ListGamesAsync(long since, CancellationToken cancellationToken)
    {
        const int attempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            var games = new List<GameSummary>();
            var removed = new List<string>();
            Response? first = null;
            string? after = null;
            var consistent = true;
            do
            {
                var page = await RequestAsync(new Request(ProtocolConstants.Version, RequestType.ListGames, Since: since, After: after, Limit: ProtocolConstants.ListPageSize), cancellationToken);
                first ??= page;
                if (page.Revision != first.Revision || page.Delta != first.Delta)
                {
                    consistent = false;
                    break;
                }

                games.AddRange(page.Games ?? []);
                removed.AddRange((page.Removed ?? []).Where(id => !string.IsNullOrEmpty(id)));
                if (page.Next is not null && after is not null && string.CompareOrdinal(page.Next, after) <= 0)
                {
                    throw new ProtocolException(ErrorCode.Malformed, $"ListGames cursor went backwards ('{after}' then '{page.Next}')");
                }

                after = page.Next;
            }
            while (after is not null);

            if (consistent || attempt == attempts)
            {
                // Bounded and filtered: a hostile peer cannot grow what we keep per peer.
                var hashing = (first.Hashing ?? []).Where(Core.Model.GameId.IsValid).Distinct(StringComparer.Ordinal).Take(ProtocolConstants.MaxHashingIds).ToList();
                return new GameListing(first.Revision, first.Delta && consistent, games, removed, hashing);
            }
        }
    }

    public async Task<GameDetails> GetGameAsync(string id, CancellationToken cancellationToken)
    {
        var response = await RequestAsync(new Request(ProtocolConstants.Version, RequestType.GetGame, id), cancellationToken);
        return PeerAnnouncements.CheckDetails(id, response.Details);
    }

    /// <summary>What the peer holds of a game, complete or partial (DESIGN F.2).</summary>
    public async Task<ChunkMap> GetChunkMapAsync(string id, CancellationToken cancellationToken)
    {
        var response = await RequestAsync(new Request(ProtocolConstants.Version, RequestType.GetChunkMap, id), cancellationToken);
        return response.ChunkMap ?? throw new ProtocolException(ErrorCode.Malformed, $"GetChunkMap of '{id}' answered without a chunk map");
    }

    /// <summary>
    /// Fetches <paramref name="length"/> bytes of a file and writes them at the same offset of
    /// <paramref name="target"/> with positioned writes (never truncating). Returns the bytes written.
    /// </summary>
    public Task<long> FetchChunkAsync(string game, string path, long offset, long length, SafeFileHandle target, Memory<byte> buffer, Action<int>? progress, CancellationToken cancellationToken) =>
        FetchChunkAsync(game, path, offset, length, target, buffer, progress, hash: null, cancellationToken);

    /// <summary>
    /// As above, and every received block is fed to <paramref name="hash"/> from the same buffer that is
    /// written (verification without reading the file back).
    /// </summary>
    public async Task<long> FetchChunkAsync(string game, string path, long offset, long length, SafeFileHandle target, Memory<byte> buffer, Action<int>? progress, IncrementalHash? hash, CancellationToken cancellationToken)
    {
        await using var stream = await _connection.OpenStreamAsync(cancellationToken);
        await FrameCodec.WriteRequestAsync(stream.Stream, new Request(ProtocolConstants.Version, RequestType.GetGameFileChunk, game, path, offset, length), cancellationToken);
        var response = await ReadResponseAsync(stream, cancellationToken);
        if (response.DataLength != length)
        {
            throw new ProtocolException(ErrorCode.Malformed, $"peer announced {response.DataLength} bytes for a {length}-byte chunk");
        }

        // TLS hands over one record (at most 16 KiB) per read: gather reads in the buffer and write them
        // in blocks of up to WriteBlock, so a GiB costs ~4,000 positioned writes (and thread-pool hops)
        // instead of ~65,000. Each read is hashed at once, while it is in cache.
        var block = Math.Min(buffer.Length, WriteBlock);
        long done = 0;
        var filled = 0;
        while (done + filled < length)
        {
            var want = (int)Math.Min(block - filled, length - done - filled);
            var read = await stream.Stream.ReadAsync(buffer.Slice(filled, want), cancellationToken);
            if (read == 0)
            {
                throw new IOException($"peer closed the stream after {done + filled} of {length} bytes");
            }

            hash?.AppendData(buffer.Span.Slice(filled, read));
            filled += read;
            if (filled < block && done + filled < length)
            {
                continue;
            }

            try
            {
                // A plain pwrite on this thread: the asynchronous form hands every block to another pool
                // thread on Linux (a queue, a wake-up and a context switch per 256 KiB) to make the same call.
                RandomAccess.Write(target, buffer.Span[..filled], offset + done);
            }
            catch (IOException ex)
            {
                throw new Download.LocalWriteException($"cannot write '{path}' at {offset + done}: {ex.Message}", ex);
            }

            done += filled;
            progress?.Invoke(filled);
            filled = 0;
        }

        stream.MarkCompleted();
        return done;
    }

    /// <summary>Fetches a small whole file into memory (the version sentinel).</summary>
    public async Task<byte[]> FetchBytesAsync(string game, string path, long length, CancellationToken cancellationToken)
    {
        await using var stream = await _connection.OpenStreamAsync(cancellationToken);
        await FrameCodec.WriteRequestAsync(stream.Stream, new Request(ProtocolConstants.Version, RequestType.GetGameFileData, game, path), cancellationToken);
        var response = await ReadResponseAsync(stream, cancellationToken);
        if (response.DataLength != length)
        {
            throw new ProtocolException(ErrorCode.Malformed, $"'{path}' is {response.DataLength} bytes on the peer, {length} were listed");
        }

        var bytes = new byte[length];
        await stream.Stream.ReadExactlyAsync(bytes, cancellationToken);
        stream.MarkCompleted();
        return bytes;
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private async Task<Response> RequestAsync(Request request, CancellationToken cancellationToken)
    {
        await using var stream = await _connection.OpenStreamAsync(cancellationToken);
        await FrameCodec.WriteRequestAsync(stream.Stream, request, cancellationToken);
        var response = await ReadResponseAsync(stream, cancellationToken);
        stream.MarkCompleted();
        return response;
    }

    private static async Task<Response> ReadResponseAsync(IPeerStream stream, CancellationToken cancellationToken)
    {
        var response = await FrameCodec.ReadResponseAsync(stream.Stream, cancellationToken);
        if (response.V != ProtocolConstants.Version)
        {
            throw new ProtocolException(ErrorCode.IncompatibleVersion,
                $"peer speaks protocol version {response.V}, this peer speaks {ProtocolConstants.Version}; update LanSpread on one side");
        }

        if (!response.Ok)
        {
            stream.MarkCompleted();
            throw new ProtocolException(response.Code ?? ErrorCode.Internal, response.Error ?? "peer reported an error");
        }

        return response;
    }
}
