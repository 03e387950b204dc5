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
public sealed class RarUnpacker : IUnpacker
{
    private readonly ILogger _logger;

    /// <summary>Creates the unpacker.</summary>
    [ImportingConstructor]
    public RarUnpacker(ILoggerFactory loggerFactory, PluginSettings settings)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(settings);
        _logger = loggerFactory.CreateLogger<RarUnpacker>();
        Options = new RarUnpackerOptions
        {
            UseStoredFastPath = settings.GetInt32("rar.storedFastPath", 1) != 0,
        };
    }

    /// <summary>The options in force.</summary>
    public RarUnpackerOptions Options { get; }

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
}
