using System.Composition;
using System.IO.Compression;
using LanSpread.Core.Composition;
using LanSpread.Core.Unpacking;

namespace Company.Unpacker;

/// <summary>Unpacks a game shipped as one <c>*.zip</c> archive in its game root.</summary>
[ExportUnpacker("PLUGIN_NAME")]
[Shared]
public sealed class ZipUnpacker : IUnpacker, IArchiveSignature
{
    // Claiming by content lets the host pass each game's archive to the unpacker that reads it.
    public int SignatureLength => 4;

    public bool Claims(ReadOnlySpan<byte> head) => head.StartsWith("PK\u0003\u0004"u8);

    public IReadOnlyList<string> FindArchives(string gameRoot) =>
        Directory.EnumerateFiles(gameRoot, "*.zip").Order(StringComparer.Ordinal).Take(1).ToList();

    public async Task UnpackAsync(UnpackRequest request, IProgress<UnpackProgress>? progress, CancellationToken cancellationToken)
    {
        var archive = request.Archives[0];
        try
        {
            // ZipFile refuses entries that would land outside the destination.
            await ZipFile.ExtractToDirectoryAsync(archive, request.Destination, overwriteFiles: false, cancellationToken);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new UnpackException(archive, ex.Message, ex);
        }
    }
}
