namespace LanSpread.Core.Unpacking;

/// <summary>What to unpack and where.</summary>
/// <param name="Archives">The archive files (for a multi-volume set, the first volume).</param>
/// <param name="Destination">The empty staging directory to fill.</param>
public sealed record UnpackRequest(IReadOnlyList<string> Archives, string Destination);
