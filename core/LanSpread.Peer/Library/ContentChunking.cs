namespace LanSpread.Peer.Library;

/// <summary>
/// The content-defined chunk sizes of manifests: a cut is never closer than <see cref="Min"/> to the
/// previous one, aims at <see cref="Average"/>, and is forced at <see cref="Max"/>. Derived from one
/// average as min = avg/4, max = avg*4 (the default 4 MiB gives 1/4/16 MiB, DESIGN F.1): a quarter
/// keeps tiny chunks (and their per-request cost) out, four times bounds one request's size and the
/// time a slow peer holds a chunk.
/// </summary>
public sealed record ContentChunking(int Min, int Average, int Max)
{
    /// <summary>The largest chunk any peer's manifest may carry (a manifest is refused beyond it).</summary>
    public const int HardMaxChunk = 64 * 1024 * 1024;

    public static ContentChunking Default { get; } = FromAverage(4 * 1024 * 1024);

    /// <summary>min = avg/4, max = avg*4; the average is rounded down to a power of two (the cut masks need one).</summary>
    public static ContentChunking FromAverage(int average)
    {
        var avg = 1 << System.Numerics.BitOperations.Log2((uint)Math.Clamp(average, 4096, HardMaxChunk / 4));
        return new ContentChunking(avg / 4, avg, avg * 4);
    }

    /// <summary>The key the index caches a file's chunks under (chunks cut with other sizes are not reused).</summary>
    public string Key => $"fastcdc-gear64/{Min}/{Average}/{Max}";
}
