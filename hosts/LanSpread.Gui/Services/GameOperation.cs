namespace LanSpread.Gui.Services;

/// <summary>What is happening to one game right now, as the page shows it.</summary>
/// <param name="Kind">The phase.</param>
/// <param name="BytesDone">Bytes transferred or unpacked so far.</param>
/// <param name="TotalBytes">Bytes in all.</param>
/// <param name="BytesPerSecond">Recent rate.</param>
/// <param name="Peers">The peers serving the download still on the LAN (a lost peer is dropped at once).</param>
/// <param name="Error">What went wrong, in words a person can act on.</param>
/// <param name="Action">What the user asked for; Retry repeats it.</param>
/// <param name="ReusedBytes">Bytes already here when the download began (a paused download's chunks, unchanged files): not fetched.</param>
/// <param name="OfferDowngrade">The runtime refused to replace a newer version here by the older one offered; the user may ask for it.</param>
/// <param name="Swarm">Who serves the download, e.g. "3 peers, 2 partial: seed 40.0 MiB, …" (swarming); null until known.</param>
/// <param name="InstallBytesDone">While downloading: archive bytes the install streaming behind the download has unpacked.</param>
/// <param name="InstallTotalBytes">While downloading: archive bytes the streaming install reads in all (0: no install runs yet).</param>
public sealed record GameOperation(
    GameOperationKind Kind,
    long BytesDone = 0,
    long TotalBytes = 0,
    double BytesPerSecond = 0,
    IReadOnlyList<string>? Peers = null,
    string? Error = null,
    GameAction Action = GameAction.Download,
    long ReusedBytes = 0,
    bool OfferDowngrade = false,
    string? Swarm = null,
    long InstallBytesDone = 0,
    long InstallTotalBytes = 0)
{
    /// <summary>The streaming install's progress beside the download's (DESIGN F.4).</summary>
    public double InstallPercent => InstallTotalBytes <= 0 ? 0 : Math.Min(100, 100.0 * InstallBytesDone / InstallTotalBytes);

    public TimeSpan? Eta => Kind == GameOperationKind.Downloading && BytesPerSecond > 0 ? TimeSpan.FromSeconds((TotalBytes - BytesDone) / BytesPerSecond) : null;

    public double Percent => TotalBytes <= 0 ? 0 : Math.Min(100, 100.0 * BytesDone / TotalBytes);

    /// <summary>Whether something is running (as opposed to a failure or cancellation being shown).</summary>
    public bool IsActive => Kind is GameOperationKind.Requesting or GameOperationKind.Downloading or GameOperationKind.Installing or GameOperationKind.Uninstalling;
}
