namespace LanSpread.Gui.Services;

/// <summary>Sizes as the pages show them (the hosting library's binary units, so both hosts print the same figures).</summary>
public static class Units
{
    public static string Size(long bytes) => LanSpread.Hosting.ByteSize.Format(bytes);

    public static string Rate(double bytesPerSecond) => LanSpread.Hosting.ByteSize.Rate(bytesPerSecond);
}
