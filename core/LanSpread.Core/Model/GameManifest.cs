namespace LanSpread.Core.Model;

/// <summary>
/// The content of one game version: every regular file (<c>version.ini</c> included) with its
/// content-defined chunks and their SHA-256, and the manifest's own digest (SHA-256 of a canonical
/// encoding). Two peers hold the same bytes exactly when their digests are equal.
/// </summary>
/// <param name="Version">The version the manifest describes.</param>
/// <param name="Files">Every regular file, sorted by path (ordinal).</param>
/// <param name="Digest">SHA-256 of the canonical encoding, 64 lower-case hex digits.</param>
public sealed record GameManifest(string Version, IReadOnlyList<ManifestFile> Files, string Digest);
