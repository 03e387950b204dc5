namespace LanSpread.Core.Unpacking;

/// <summary>What to unpack where while the archives are still downloading.</summary>
/// <param name="Archives">
/// The archive files (for a multi-volume set, the first volume). They exist at their final sizes, so names
/// and lengths can be listed, but their bytes must be read through <paramref name="OpenArchive"/> only:
/// what the file holds beyond the verified ranges is not yet the archive.
/// </param>
/// <param name="Destination">The empty staging directory to fill.</param>
/// <param name="OpenArchive">
/// Opens a read-only, seekable stream over an archive file (any file beside <paramref name="Archives"/>,
/// e.g. a further volume). A read returns verified bytes only; when the bytes at the position are not
/// verified yet it waits for them; when the download stops it throws <see cref="IOException"/>.
/// </param>
public sealed record StreamingUnpackRequest(IReadOnlyList<string> Archives, string Destination, Func<string, Stream> OpenArchive);
