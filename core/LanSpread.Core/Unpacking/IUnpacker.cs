namespace LanSpread.Core.Unpacking;

/// <summary>
/// Unpacks a game root's archive(s) into a staging directory. The install transaction owns the
/// staging directory and the swap; an unpacker only fills the directory it is given, never writes
/// outside it, and throws <see cref="UnpackException"/> with a clear reason on bad input.
/// </summary>
public interface IUnpacker
{
    /// <summary>The short name (<c>rar</c>). Defaults to the name in the export attribute, so a part states it once.</summary>
    string Name => Composition.ExportPluginAttribute.NameOf(this);

    /// <summary>The archives in a game root this unpacker would unpack (first volume first); empty when none.</summary>
    /// <param name="gameRoot">The game root directory.</param>
    IReadOnlyList<string> FindArchives(string gameRoot);

    /// <summary>Extracts <see cref="UnpackRequest.Archives"/> into <see cref="UnpackRequest.Destination"/>.</summary>
    /// <param name="request">What to unpack where.</param>
    /// <param name="progress">Receives progress; may be null.</param>
    /// <param name="cancellationToken">Cancels the unpack.</param>
    Task UnpackAsync(UnpackRequest request, IProgress<UnpackProgress>? progress, CancellationToken cancellationToken);
}
