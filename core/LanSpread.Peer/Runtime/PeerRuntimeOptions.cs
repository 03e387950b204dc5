using System.Net;

namespace LanSpread.Peer.Runtime;

/// <summary>Settings of one peer runtime. Defaults suit a LAN party; tests shorten the intervals.</summary>
public sealed class PeerRuntimeOptions
{
    /// <summary>The well-known default port.</summary>
    public const int DefaultPort = 42420;

    /// <summary>This peer's display name.</summary>
    public string Name { get; set; } = Environment.MachineName;

    /// <summary>Where identity and the library index live.</summary>
    public string DataDirectory { get; set; } = DefaultDataDirectory();

    /// <summary>Where the server listens.</summary>
    public IPEndPoint ListenEndPoint { get; set; } = new(IPAddress.IPv6Any, DefaultPort);

    /// <summary>
    /// When the port of <see cref="ListenEndPoint"/> is taken, listen on a free port instead (logged,
    /// and advertised over mDNS). Hosts set it when the user did not choose the port, so two peers on
    /// one machine both start; an explicit port that is taken stays an error.
    /// </summary>
    public bool ListenPortFallback { get; set; }

    /// <summary>
    /// The average content-defined chunk size of this peer's manifests (4 MiB by measurement, see
    /// docs/BENCHMARKS.md; min is a quarter, max four times it). Chunk requests are manifest chunks.
    /// </summary>
    public int ChunkSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// Files hashed at once when manifests are built (each hashing thread reads sequentially). The
    /// library is hashed in the background one game at a time, so this bounds the hashing threads.
    /// </summary>
    public int HashParallelism { get; set; } = Math.Min(2, Environment.ProcessorCount);

    /// <summary>
    /// Test hook: when positive, background hashing reads at most this many bytes per second, so a
    /// test can watch a peer whose library is still being hashed. The <c>LANSPREAD_TEST_HASH_RATE</c>
    /// environment variable (bytes per second) sets it for a peer run as a process. Zero: unthrottled.
    /// </summary>
    public long TestHashBytesPerSecond { get; set; } =
        long.TryParse(Environment.GetEnvironmentVariable("LANSPREAD_TEST_HASH_RATE"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var rate) ? rate : 0;

    /// <summary>
    /// Test hook: while a file exists at this path, background hashing pauses (see
    /// <c>LibraryScanner.TestHashGate</c>); deleting the file releases it. The <c>LANSPREAD_TEST_HASH_GATE</c>
    /// environment variable sets it for a peer run as a process. Null: no gate.
    /// </summary>
    public string? TestHashGate { get; set; } = Environment.GetEnvironmentVariable("LANSPREAD_TEST_HASH_GATE") is { Length: > 0 } gate ? gate : null;

    /// <summary>Verified bytes recorded per fsync'd batch of the resume record (a crash loses at most one batch).</summary>
    public long ProgressBatchBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Longest time a verified chunk waits before its batch is recorded.</summary>
    public TimeSpan ProgressBatchInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Chunk requests in flight per peer.</summary>
    public int ChunksInFlightPerPeer { get; set; } = 4;

    /// <summary>Retry rounds for failed chunks.</summary>
    public int MaxRetryCount { get; set; } = 3;

    /// <summary>
    /// How often a peer nothing was heard from is pinged at first (and a missed ping retried). An idle
    /// peer found alive is pinged less and less often, down to once per <see cref="MaxPingBackoff"/>
    /// intervals; traffic already flowing replaces pings (see PingService).
    /// </summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest quiet time between pings of an idle peer, in ping intervals.</summary>
    public int MaxPingBackoff { get; set; } = 8;

    /// <summary>Missed pings after which a peer is pruned.</summary>
    public int PingMissesBeforeLost { get; set; } = 3;

    /// <summary>The fallback full scan that catches what the watcher missed.</summary>
    public TimeSpan FallbackScanInterval { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>Quiet time before a watched change triggers a rescan.</summary>
    public TimeSpan RescanDebounce { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Install automatically after a download finishes.</summary>
    public bool InstallAfterDownload { get; set; } = true;

    /// <summary>
    /// Install behind the download (DESIGN F.4) when the unpacker can stream: the archive is unpacked over
    /// its verified ranges while it downloads, and the install commits after the download's sentinel.
    /// </summary>
    public bool StreamingInstall { get; set; } = true;

    /// <summary>Time a server allows a client to send its request.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A client that takes none of the bytes the server sends for this long is dropped (nginx's
    /// send_timeout): a reader that stalls, on purpose or not, frees its connection and buffer.
    /// </summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Bytes of copy buffers the server spends on all transfers together: each transfer gets up to
    /// 1 MiB while few run, less (down to 16 KiB) while many do, so memory does not grow with the number of clients.
    /// </summary>
    public int SendBufferBudget { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// Bytes per second this peer uploads at most, all clients together (<c>--max-upload-rate</c>); null:
    /// unlimited. Clients share it fairly (see UploadLimiter).
    /// </summary>
    public long? MaxUploadRate { get; set; }

    /// <summary>Chunk transfers one client peer gets at once (<c>--max-uploads-per-peer</c>); more requests wait their turn.</summary>
    public int MaxUploadsPerPeer { get; set; } = 8;

    /// <summary>
    /// Swarming (DESIGN F.2): a download serves its verified chunks to other peers and fetches from partial
    /// holders too. Off (<c>--no-swarm</c>): only complete copies are used and served (the benchmarks' baseline).
    /// </summary>
    public bool Swarming { get; set; } = true;

    /// <summary>
    /// How often a download asks the other peers what they hold of its game (DESIGN F.2): new partial
    /// holders and their new chunks are used within about this interval.
    /// </summary>
    public TimeSpan AvailabilityPollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Peer ids to download from exclusively (<c>--trust-peer</c>); the data directory's
    /// <c>trusted-peers</c> file adds to them. Empty: every peer that verifies its id is used.
    /// </summary>
    public ISet<LanSpread.Core.Model.PeerId> TrustedPeers { get; } = new HashSet<LanSpread.Core.Model.PeerId>();

    /// <summary>
    /// Test fixture only (a lying peer): game id → a version this peer announces and puts in its
    /// details and manifest while its <c>version.ini</c> says otherwise. Never set by a host.
    /// </summary>
    internal Dictionary<string, string>? LieAboutVersions { get; set; }

    public static string DefaultDataDirectory() =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create) is { Length: > 0 } local
            ? local
            : Path.GetTempPath(), "lanspread");
}
