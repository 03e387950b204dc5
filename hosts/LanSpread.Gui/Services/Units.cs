namespace LanSpread.Gui.Services;

/// <summary>Sizes as the pages show them (the CLI's binary units, so both hosts print the same figures).</summary>
public static class Units
{
    public static string Size(long bytes) => LanSpread.Cli.Output.ConsoleProgress.Size(bytes);

    public static string Rate(double bytesPerSecond) => $"{Size((long)bytesPerSecond)}/s";
}
