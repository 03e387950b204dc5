namespace LanSpread.Core.Unpacking;

/// <summary>Progress of an unpack.</summary>
/// <param name="BytesDone">Bytes written so far.</param>
/// <param name="TotalBytes">Bytes to write (0 when unknown).</param>
/// <param name="CurrentEntry">The entry being written.</param>
public sealed record UnpackProgress(long BytesDone, long TotalBytes, string CurrentEntry);
