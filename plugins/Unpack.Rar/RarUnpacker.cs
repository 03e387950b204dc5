using System.Composition;
using LanSpread.Core.Composition;
using LanSpread.Core.Unpacking;
using LanSpread.Unpack.Rar.Internal;
using Microsoft.Extensions.Logging;

namespace LanSpread.Unpack.Rar;

/// <summary>
/// Unpacks a game root's RAR archives (<c>*.eti</c>; RAR 1.5–5, solid, multi-volume) into the staging
/// directory it is given. Every entry path is validated before anything is written; encrypted and
/// corrupt archives fail with an <see cref="UnpackException"/> naming the archive and the problem.
/// </summary>
[ExportUnpacker("rar", Priority = 10)]
[Shared]
public sealed class RarUnpacker : IUnpacker, IArchiveSignature, IStreamingUnpacker
{
    // "Rar!" 1A 07 00 (RAR 1.5-4) and "Rar!" 1A 07 01 00 (RAR5): the marker every first volume starts with.
    private static ReadOnlySpan<byte> Rar4Marker => [0x52, 0x61, 0x72, 0x21, 0x1A, 0x07, 0x00];

    private static ReadOnlySpan<byte> Rar5Marker => [0x52, 0x61, 0x72, 0x21, 0x1A, 0x07, 0x01, 0x00];

    private readonly ILogger _logger;

    /// <summary>Creates the unpacker; options come from <c>rar.*</c> settings (<c>rar.useStoredFastPath=false</c>).</summary>
    [ImportingConstructor]
    public RarUnpacker(ILoggerFactory loggerFactory, PluginSettings settings)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(settings);
        _logger = loggerFactory.CreateLogger<RarUnpacker>();
        Options = settings.Bind<RarUnpackerOptions>("rar");
    }

    /// <summary>The options in force.</summary>
    public RarUnpackerOptions Options { get; }

    /// <inheritdoc />
    public int SignatureLength => Rar5Marker.Length;

    /// <inheritdoc />
    public bool Claims(ReadOnlySpan<byte> head) => head.StartsWith(Rar4Marker) || head.StartsWith(Rar5Marker);

    /// <inheritdoc />
    public IReadOnlyList<string> FindArchives(string gameRoot)
    {
        ArgumentNullException.ThrowIfNull(gameRoot);
        return VolumeSet.FindFirstVolumes(gameRoot, Options.ArchivePatterns);
    }

    /// <inheritdoc />
    public Task UnpackAsync(UnpackRequest request, IProgress<UnpackProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        // Decompression is CPU-bound and SharpCompress's synchronous reader is the fast one (NOTES):
        // run it on a dedicated thread rather than blocking a pool thread.
        return Task.Factory.StartNew(
            () =>
            {
                var extraction = new RarExtraction(Options, _logger, progress, cancellationToken);
                foreach (var archive in request.Archives)
                {
                    extraction.Extract(archive, request.Destination);
                }
            },
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
    }

    /// <inheritdoc />
    public bool CanStream(IReadOnlyList<string> archives) => Options.Streaming;

    /// <inheritdoc />
    public Task UnpackStreamingAsync(StreamingUnpackRequest request, IProgress<UnpackProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        // Reads wait for the download: a dedicated thread, never a pool thread, blocks on them.
        return Task.Factory.StartNew(
            () =>
            {
                var extraction = new StreamingRarExtraction(Options, _logger, progress, cancellationToken);
                foreach (var archive in request.Archives)
                {
                    extraction.Extract(archive, request.OpenArchive, request.Destination);
                }
            },
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
    }
}
