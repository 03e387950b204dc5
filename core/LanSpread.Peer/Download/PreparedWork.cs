using LanSpread.Core.Model;
using LanSpread.Core.Planning;

namespace LanSpread.Peer.Download;

/// <summary>What a download has to do once what is already on disk is accounted for.</summary>
internal sealed class PreparedWork
{
    /// <summary>Files that differ from the manifest: built under <c>.lanspread.partial/</c>, renamed into place at the commit.</summary>
    public List<ManifestFile> Staged { get; } = [];

    /// <summary>Staged chunks whose SHA-256 was found in this root's files (copied, verified, before any fetch).</summary>
    public List<(FileChunk Target, string Source, long SourceOffset)> LocalCopies { get; } = [];

    /// <summary>Staged chunks not yet verified here (those a local copy provides are dropped before fetching).</summary>
    public List<FileChunk> ToFetch { get; } = [];

    /// <summary>Whether the resume record belongs to this manifest.</summary>
    public bool Resumed { get; init; }

    /// <summary>Whether <c>version.ini</c> here already equals the manifest's.</summary>
    public bool SentinelInPlace { get; set; }
}
