using System.Buffers;
using System.Diagnostics;
using LanSpread.Core.Unpacking;
using Microsoft.Extensions.Logging;
using SharpCompress.Archives.Rar;
using SharpCompress.Common;
using SharpCompress.Readers;

namespace LanSpread.Unpack.Rar.Internal;

/// <summary>
/// Extracts one archive (or volume set): open, refuse encryption, validate every entry path (no byte is
/// written before the whole listing passed), then stream each entry to its file with one pooled buffer.
/// </summary>
internal sealed class RarExtraction
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(200);

    private readonly RarUnpackerOptions _options;
    private readonly ILogger _logger;
    private readonly IProgress<UnpackProgress>? _progress;
    private readonly CancellationToken _cancellationToken;
    private long _bytesDone;
    private long _totalBytes;
    private long _lastReport;

    public RarExtraction(RarUnpackerOptions options, ILogger logger, IProgress<UnpackProgress>? progress, CancellationToken cancellationToken)
    {
        _options = options;
        _logger = logger;
        _progress = progress;
        _cancellationToken = cancellationToken;
    }

    public void Extract(string archivePath, string destination)
    {
        // Checked first: a missing input would otherwise surface as an IOException and read "write failed".
        if (!File.Exists(archivePath))
        {
            throw new UnpackException(archivePath, "the archive does not exist (nothing to read)");
        }

        Directory.CreateDirectory(destination);
        try
        {
            if (_options.UseStoredFastPath && StoredRar5Archive.TryOpen(archivePath, out var stored))
            {
                _logger.LogDebug("Unpacking {Archive} with the stored-RAR5 fast path", archivePath);
                ExtractStored(stored, archivePath, destination);
                return;
            }

            ExtractWithSharpCompress(archivePath, destination);
        }
        catch (UnpackException)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (InvalidDataException ex)
        {
            throw new UnpackException(archivePath, ex.Message, ex);
        }
        catch (IOException ex) when (ex is not EndOfStreamException)
        {
            throw new UnpackException(archivePath, $"write failed: {ex.Message}", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new UnpackException(archivePath, $"write failed: {ex.Message}", ex);
        }
        catch (Exception ex)
        {
            throw new UnpackException(archivePath, Describe(ex), ex);
        }
    }

    private static string Describe(Exception ex)
    {
        var text = ex.Message;
        if (ex is System.Security.Cryptography.CryptographicException
            || text.Contains("encrypt", StringComparison.OrdinalIgnoreCase)
            || text.Contains("password", StringComparison.OrdinalIgnoreCase))
        {
            return "encrypted archive (password-protected archives are not supported)";
        }

        return $"corrupt or unsupported archive ({ex.GetType().Name}: {text})";
    }

    private void ExtractWithSharpCompress(string archivePath, string destination)
    {
        var volumes = VolumeSet.VolumesOf(archivePath);
        using var archive = RarArchive.OpenArchive(volumes, new ReaderOptions { LeaveStreamOpen = false });
        if (archive.IsEncrypted)
        {
            throw new UnpackException(archivePath, "encrypted archive (password-protected archives are not supported)");
        }

        var entries = archive.Entries.ToList();
        if (entries.Any(e => e.IsEncrypted))
        {
            throw new UnpackException(archivePath, "encrypted archive (password-protected archives are not supported)");
        }

        if (!archive.IsComplete)
        {
            throw new UnpackException(archivePath, "incomplete multi-volume set: a volume is missing");
        }

        // Pass 1: validate every name before writing anything.
        var validator = new EntryPathValidator(destination);
        var plan = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var relative = validator.Validate(entry.Key, entry.IsDirectory);
            if (!string.IsNullOrEmpty(entry.LinkTarget))
            {
                validator.ValidateLink(relative, entry.LinkTarget);
            }

            plan[entry.Key!] = relative;
            _totalBytes += entry.IsDirectory ? 0 : entry.Size;
        }

        var links = new List<(string Relative, string Target)>();
        var buffer = ArrayPool<byte>.Shared.Rent(_options.BufferSize);
        try
        {
            if (archive.IsSolid)
            {
                // Solid archives must be decoded in order: one pass through the reader.
                using var reader = archive.ExtractAllEntries();
                while (reader.MoveToNextEntry())
                {
                    var entry = reader.Entry;
                    WriteEntry(entry, plan[entry.Key!], destination, links, () => reader.OpenEntryStream(), buffer);
                }
            }
            else
            {
                foreach (var entry in entries)
                {
                    WriteEntry(entry, plan[entry.Key!], destination, links, entry.OpenEntryStream, buffer);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        // Links last, so no entry is ever written through a link.
        foreach (var (relative, target) in links)
        {
            File.CreateSymbolicLink(Path.Combine(destination, relative), target);
        }

        Report(archivePath, force: true);
    }

    private void WriteEntry(IEntry entry, string relative, string destination, List<(string, string)> links, Func<Stream> open, byte[] buffer)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        var path = Path.Combine(destination, relative);
        if (entry.IsDirectory)
        {
            Directory.CreateDirectory(path);
            return;
        }

        if (!string.IsNullOrEmpty(entry.LinkTarget))
        {
            links.Add((relative, entry.LinkTarget));
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
        if (entry.Size > 0)
        {
            output.SetLength(entry.Size);
        }

        using var input = open();
        long written = 0;
        int read;
        while ((read = input.Read(buffer, 0, buffer.Length)) > 0)
        {
            output.Write(buffer, 0, read);
            written += read;
            _bytesDone += read;
            Report(relative, force: false);
            _cancellationToken.ThrowIfCancellationRequested();
        }

        if (written != entry.Size)
        {
            throw new InvalidDataException($"entry '{entry.Key}' is truncated ({written} of {entry.Size} bytes)");
        }
    }

    private void ExtractStored(StoredRar5Archive archive, string archivePath, string destination)
    {
        var validator = new EntryPathValidator(destination);
        var plan = new List<(StoredRar5Entry Entry, string Relative)>();
        foreach (var entry in archive.Entries)
        {
            plan.Add((entry, validator.Validate(entry.Name, entry.IsDirectory)));
            _totalBytes += entry.IsDirectory ? 0 : entry.Size;
        }

        foreach (var (entry, relative) in plan)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            var path = Path.Combine(destination, relative);
            if (entry.IsDirectory)
            {
                Directory.CreateDirectory(path);
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            archive.CopyEntryTo(entry, path, _options.BufferSize, n =>
            {
                _bytesDone += n;
                Report(relative, force: false);
            }, _cancellationToken);
        }

        Report(archivePath, force: true);
    }

    private void Report(string current, bool force)
    {
        if (_progress is null)
        {
            return;
        }

        var now = Stopwatch.GetTimestamp();
        if (force || Stopwatch.GetElapsedTime(_lastReport, now) >= ProgressInterval)
        {
            _lastReport = now;
            _progress.Report(new UnpackProgress(_bytesDone, _totalBytes, current));
        }
    }
}
