namespace LanSpread.Core.Unpacking;

/// <summary>
/// Optional capability of an <see cref="IUnpacker"/> (a feature interface, as Kestrel's connection
/// features): it can unpack an archive while the archive is still downloading. The runtime then starts
/// the install as soon as the download's files are staged, and the unpacker reads the archive through
/// <see cref="StreamingUnpackRequest.OpenArchive"/>, whose streams hand out verified bytes only and wait
/// for the next verified range. An unpacker without this capability runs after the download, as before.
/// </summary>
public interface IStreamingUnpacker
{
    /// <summary>
    /// Whether this unpacker will stream these archives (e.g. a setting turned streaming off); when false
    /// they are unpacked after the download with <see cref="IUnpacker.UnpackAsync"/>. Defaults to true.
    /// </summary>
    /// <param name="archives">The archives found in the download's staging directory.</param>
    bool CanStream(IReadOnlyList<string> archives) => true;

    /// <summary>
    /// Extracts <see cref="StreamingUnpackRequest.Archives"/> into <see cref="StreamingUnpackRequest.Destination"/>,
    /// reading their bytes only through <see cref="StreamingUnpackRequest.OpenArchive"/>. Reads far ahead of
    /// the download wait for it, so read roughly in order: the download fetches near the front first.
    /// </summary>
    /// <param name="request">What to unpack where, and how to read it.</param>
    /// <param name="progress">Receives progress; may be null.</param>
    /// <param name="cancellationToken">Cancels the unpack (a waiting read ends with <see cref="OperationCanceledException"/>).</param>
    Task UnpackStreamingAsync(StreamingUnpackRequest request, IProgress<UnpackProgress>? progress, CancellationToken cancellationToken);
}
