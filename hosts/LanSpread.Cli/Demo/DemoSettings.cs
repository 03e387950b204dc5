namespace LanSpread.Cli.Demo;

/// <summary>What one <c>lanspread demo</c> run does, parsed from its command line.</summary>
internal sealed record DemoSettings
{
    /// <summary>The demo tree: the seeder's and every client's game and data directories.</summary>
    public required string Root { get; init; }

    /// <summary>The sample game's size in bytes (its archive is about as big).</summary>
    public required long Size { get; init; }

    /// <summary>Client peers downloading at once.</summary>
    public required int Clients { get; init; }

    /// <summary>The seeder's <c>--max-upload-rate</c>, bytes per second.</summary>
    public required long SeederRate { get; init; }

    /// <summary>JSONL events on stdout instead of the live view.</summary>
    public required bool Json { get; init; }

    /// <summary>The tree stays afterwards (so its paths are printed).</summary>
    public required bool Kept { get; init; }

    /// <summary>
    /// The chunk size every demo peer uses: at least 60 chunks of the game per client (a power of two, as
    /// manifests cut them), between 64 KiB and 4 MiB. Two reasons: a game cut into few chunks gives the clients little to trade; and a chunk
    /// crosses the seeder's cap shared by every transfer in flight (8 per client), so with the default
    /// cap one chunk takes about 0.4 s. A much longer one would hold all of a client's connections to
    /// the seeder past its ping timeout (pings wait for a free pooled connection), and the seeder would
    /// be dropped as unresponsive.
    /// </summary>
    public int ChunkSize => 1 << System.Numerics.BitOperations.Log2((ulong)Math.Clamp(Size / (60L * Clients), 64L * 1024, 4L * 1024 * 1024));

    /// <summary>The default seeder cap: the game's size per 3 s (at least 2 MiB/s), so the seeder alone needs about 3 s per client.</summary>
    public static long DefaultSeederRate(long size) => Math.Max(2L * 1024 * 1024, size / 3);
}
