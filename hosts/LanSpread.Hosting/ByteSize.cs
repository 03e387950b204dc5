namespace LanSpread.Hosting;

/// <summary>Sizes and rates in binary units, one way for both hosts, so the CLI and the GUI print the same figures.</summary>
public static class ByteSize
{
    /// <summary>E.g. <c>512 B</c>, <c>1.5 KiB</c>, <c>48.0 MiB</c>, <c>1.25 GiB</c>.</summary>
    public static string Format(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.00} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.0} MiB",
        >= 1L << 10 => $"{bytes / 1024.0:0.0} KiB",
        _ => $"{bytes} B",
    };

    /// <summary>A rate, e.g. <c>112.0 MiB/s</c>.</summary>
    public static string Rate(double bytesPerSecond) => $"{Format((long)bytesPerSecond)}/s";
}
