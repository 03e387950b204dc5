namespace LanSpread.Gui.Services;

/// <summary>What is happening to one game right now, as the page shows it.</summary>
public sealed record GameOperation(
    GameOperationKind Kind,
    long BytesDone = 0,
    long TotalBytes = 0,
    double BytesPerSecond = 0,
    IReadOnlyList<string>? Peers = null,
    string? Error = null)
{
    public TimeSpan? Eta => Kind == GameOperationKind.Downloading && BytesPerSecond > 0 ? TimeSpan.FromSeconds((TotalBytes - BytesDone) / BytesPerSecond) : null;

    public double Percent => TotalBytes <= 0 ? 0 : Math.Min(100, 100.0 * BytesDone / TotalBytes);
}
