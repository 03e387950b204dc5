using System.Buffers;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
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
    private const string EmptyArchive = "empty archive: it holds no files or directories";
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(200);

    private readonly RarUnpackerOptions _options;
    private readonly ILogger _logger;
    private readonly IProgress<UnpackProgress>? _progress;
    private readonly CancellationToken _cancellationToken;
    private readonly Lock _gate = new();
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
                using (stored)
                {
                    _logger.LogDebug("Unpacking {Archive} with the stored-RAR5 fast path", archivePath);
                    ExtractStored(stored, archivePath, destination);
                }

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

    internal static string Describe(Exception ex)
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
        // SharpCompress does not expose RAR5 redirection records (a symlink would become an empty file):
        // take them from our own header scan where the headers are readable.
        var listings = volumes.Select(v => StoredRar5Archive.ReadEntries(v.FullName)).ToList();
        if (listings is [{ Count: 0 }])
        {
            throw new InvalidDataException(EmptyArchive); // SharpCompress would fail with "Sequence contains no matching element"
        }

        var redirections = listings
            .SelectMany(e => e ?? [])
            .Where(e => e.Kind is Rar5EntryKind.SymbolicLink or Rar5EntryKind.Unsupported)
            .GroupBy(e => e.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
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

        if (entries.Count == 0)
        {
            throw new InvalidDataException(EmptyArchive);
        }

        if (!archive.IsComplete)
        {
            throw new UnpackException(archivePath, "incomplete multi-volume set: a volume is missing");
        }

        // Pass 1: validate every name and link before writing anything.
        var validator = new EntryPathValidator(destination);
        var plan = new Dictionary<string, (string Relative, string? Link)>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var relative = validator.Validate(entry.Key, entry.IsDirectory);
            string? link = null;
            if (entry.Key is not null && (redirections.TryGetValue(entry.Key, out var redirection) || redirections.TryGetValue(entry.Key.Replace('\\', '/'), out redirection)))
            {
                link = ValidateLink(validator, relative, redirection);
            }
            else if (!string.IsNullOrEmpty(entry.LinkTarget))
            {
                validator.ValidateLink(relative, entry.LinkTarget);
                link = entry.LinkTarget;
            }

            plan[entry.Key!] = (relative, link);
            _totalBytes += entry.IsDirectory || link is not null ? 0 : entry.Size;
        }

        SymlinkWriter.EnsureNothingBelowLinks(
            plan.Values.Select(p => p.Relative).ToList(),
            plan.Values.Where(p => p.Link is not null).Select(p => p.Relative).ToList());
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
            SymlinkWriter.Create(destination, relative, target);
        }

        Report(archivePath, force: true);
    }

    internal static string ValidateLink(EntryPathValidator validator, string relative, StoredRar5Entry entry)
    {
        if (entry.Kind == Rar5EntryKind.Unsupported)
        {
            var what = entry.RedirectionType switch
            {
                4 => "a hard link",
                5 => "a file copy",
                _ => $"a link of unknown type {entry.RedirectionType}",
            };
            throw new InvalidDataException($"entry '{entry.Name}' is {what}, which is not supported (only symbolic links inside the game are)");
        }

        var target = SymlinkWriter.TargetFor(entry.LinkTarget ?? string.Empty, entry.RedirectionType);
        validator.ValidateLink(relative, target);
        return target;
    }

    private void WriteEntry(IEntry entry, (string Relative, string? Link) planned, string destination, List<(string, string)> links, Func<Stream> open, byte[] buffer)
    {
        _cancellationToken.ThrowIfCancellationRequested();
        var (relative, link) = planned;
        var path = Path.Combine(destination, relative);
        if (entry.IsDirectory)
        {
            Directory.CreateDirectory(path);
            return;
        }

        if (link is not null)
        {
            links.Add((relative, link));
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
        if (archive.Entries.Count == 0)
        {
            throw new InvalidDataException(EmptyArchive);
        }

        // Pass 1: validate every name and link before writing anything.
        var validator = new EntryPathValidator(destination);
        var plan = new List<(StoredRar5Entry Entry, string Relative, string? Link)>(archive.Entries.Count);
        foreach (var entry in archive.Entries)
        {
            var relative = validator.Validate(entry.Name, entry.IsDirectory);
            var link = entry.Kind is Rar5EntryKind.SymbolicLink or Rar5EntryKind.Unsupported ? ValidateLink(validator, relative, entry) : null;
            plan.Add((entry, relative, link));
            _totalBytes += entry.Kind == Rar5EntryKind.File ? entry.Size : 0;
        }

        SymlinkWriter.EnsureNothingBelowLinks(
            plan.Select(p => p.Relative).ToList(),
            plan.Where(p => p.Link is not null).Select(p => p.Relative).ToList());
        var links = new List<(string Relative, string Target)>();
        // Directories made so far: a WinRAR archive lists thousands of files per directory, and each
        // CreateDirectory of an existing one is a failing mkdir plus a stat.
        var made = new HashSet<string>(StringComparer.Ordinal) { destination };
        var files = new List<(StoredRar5Entry Entry, string Relative)>(plan.Count);
        foreach (var (entry, relative, link) in plan)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            var path = Path.Combine(destination, relative);
            if (entry.IsDirectory)
            {
                if (made.Add(path))
                {
                    Directory.CreateDirectory(path);
                }

                continue;
            }

            if (link is not null)
            {
                links.Add((relative, link));
                continue;
            }

            var parent = Path.GetDirectoryName(path)!;
            if (made.Add(parent))
            {
                Directory.CreateDirectory(parent);
            }

            files.Add((entry, relative));
        }

        CopyStoredFiles(archive, destination, files);
        foreach (var (relative, target) in links)
        {
            SymlinkWriter.Create(destination, relative, target);
        }

        Report(archivePath, force: true);
    }

    /// <summary>
    /// Copies the stored files, <see cref="RarUnpackerOptions.Writers"/> at a time (each file is one positioned
    /// byte range of the archive, so they are independent). Creating a file waits on the file system's
    /// journal and inode tables, which under write load costs milliseconds per file (issue 20: 4,096 files,
    /// median create 0.9 ms, p90 3.5 ms, the same for bsdtar); several writers overlap those waits. The
    /// first failure stops the others and is rethrown as it was; a cancelled token wins over it.
    /// </summary>
    private void CopyStoredFiles(StoredRar5Archive archive, string destination, List<(StoredRar5Entry Entry, string Relative)> files)
    {
        var writers = Math.Min(Math.Max(_options.Writers, 1), files.Count);
        if (writers == 0)
        {
            return;
        }

        var next = -1;
        ExceptionDispatchInfo? failure = null;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_cancellationToken);
        void Work()
        {
            var buffer = ArrayPool<byte>.Shared.Rent(_options.BufferSize);
            try
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < files.Count)
                {
                    stop.Token.ThrowIfCancellationRequested();
                    var (entry, relative) = files[i];
                    archive.CopyEntryTo(entry, Path.Combine(destination, relative), buffer, n => Advance(relative, n), stop.Token);
                }
            }
            catch (Exception ex)
            {
                lock (_gate)
                {
                    // The first failure is the one to report; the others' cancellations follow from it.
                    failure ??= ExceptionDispatchInfo.Capture(ex);
                }

                stop.Cancel();
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        var threads = new List<Thread>(writers - 1);
        for (var w = 1; w < writers; w++)
        {
            var thread = new Thread(Work) { IsBackground = true, Name = "rar-writer" };
            thread.Start();
            threads.Add(thread);
        }

        Work();
        foreach (var thread in threads)
        {
            thread.Join();
        }

        _cancellationToken.ThrowIfCancellationRequested();
        failure?.Throw();
    }

    private void Advance(string current, int bytes)
    {
        Interlocked.Add(ref _bytesDone, bytes);
        Report(current, force: false);
    }

    private void Report(string current, bool force)
    {
        if (_progress is null)
        {
            return;
        }

        lock (_gate)
        {
            var now = Stopwatch.GetTimestamp();
            if (force || Stopwatch.GetElapsedTime(_lastReport, now) >= ProgressInterval)
            {
                _lastReport = now;
                _progress.Report(new UnpackProgress(Interlocked.Read(ref _bytesDone), _totalBytes, current));
            }
        }
    }
}
