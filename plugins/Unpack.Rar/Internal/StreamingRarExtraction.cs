using System.Buffers;
using System.Diagnostics;
using System.IO.Hashing;
using LanSpread.Core.Unpacking;
using Microsoft.Extensions.Logging;
using SharpCompress.Readers;
using SharpCompress.Readers.Rar;

namespace LanSpread.Unpack.Rar.Internal;

/// <summary>
/// Extracts an archive that is still downloading, reading it front to back through streams that wait for
/// verified bytes (DESIGN F.4). A stored single-volume RAR5 goes block by block: each header, then each
/// entry's bytes copied with their CRC32 checked, so the unpack trails the download by about a chunk.
/// Anything else (compressed, solid, multi-volume, RAR4), and a stored archive from the first entry the
/// fast path cannot copy, goes through SharpCompress's forward-only reader; RAR5 links are taken from a
/// header walk that runs just ahead of it. The checks are the ones of <see cref="RarExtraction"/>, applied
/// entry by entry as they arrive (links are created last, after the check that nothing lies below one);
/// a failure leaves a partly filled staging directory, which the install transaction rolls back.
/// </summary>
internal sealed class StreamingRarExtraction
{
    private const string EmptyArchive = "empty archive: it holds no files or directories";
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(200);

    private readonly RarUnpackerOptions _options;
    private readonly ILogger _logger;
    private readonly IProgress<UnpackProgress>? _progress;
    private readonly CancellationToken _cancellationToken;
    private readonly List<Stream> _opened = [];
    private List<Stream> _counted = [];
    private long _totalBytes;
    private long _doneBefore;
    private long _lastReport;

    public StreamingRarExtraction(RarUnpackerOptions options, ILogger logger, IProgress<UnpackProgress>? progress, CancellationToken cancellationToken)
    {
        _options = options;
        _logger = logger;
        _progress = progress;
        _cancellationToken = cancellationToken;
    }

    public void Extract(string archivePath, Func<string, Stream> open, string destination)
    {
        // The download may rename its files into place at any moment: volumes are found and measured
        // through the streams, never through the file system.
        Stream first;
        try
        {
            first = Open(open, archivePath);
        }
        catch (FileNotFoundException ex)
        {
            throw new UnpackException(archivePath, "the archive does not exist (nothing to read)", ex);
        }

        var volumes = VolumeSet.VolumePathsOf(archivePath, path => path == archivePath || TryOpen(open, path));
        var length = volumes.Sum(v => Open(open, v).Length);
        _totalBytes += length;
        Directory.CreateDirectory(destination);
        var sink = new Sink(destination);
        try
        {
            var skip = 0;
            if (volumes.Count == 1 && _options.UseStoredFastPath)
            {
                _counted = [first];
                if (TryExtractStored(first, sink, out skip))
                {
                    sink.Finish();
                    Report(archivePath, force: true);
                    return;
                }

                _logger.LogDebug("Streaming {Archive} through SharpCompress from entry {Entry}", archivePath, skip);
            }

            ExtractWithReader(volumes, open, sink, skip, archivePath);
            sink.Finish();
            Report(archivePath, force: true);
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
            throw new UnpackException(archivePath, ex.Message, ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new UnpackException(archivePath, $"write failed: {ex.Message}", ex);
        }
        catch (Exception ex)
        {
            throw new UnpackException(archivePath, RarExtraction.Describe(ex), ex);
        }
        finally
        {
            _doneBefore += length;
            foreach (var stream in _opened)
            {
                stream.Dispose();
            }

            _opened.Clear();
            _counted = [];
        }
    }

    private static bool TryOpen(Func<string, Stream> open, string path)
    {
        try
        {
            open(path).Dispose();
            return true;
        }
        catch (FileNotFoundException)
        {
            return false;
        }
    }

    private Stream Open(Func<string, Stream> open, string path)
    {
        var stream = open(path);
        _opened.Add(stream);
        return stream;
    }

    /// <summary>
    /// The stored fast path, block by block; false with the number of file entries written when it meets
    /// something it does not copy itself (the reader then continues from that entry).
    /// </summary>
    private bool TryExtractStored(Stream stream, Sink sink, out int written)
    {
        written = 0;
        var length = stream.Length;
        var window = new Rar5HeaderWindow((buffer, offset) => ReadAt(stream, buffer, offset), length);
        if (!StoredRar5Archive.HasSignature(window, length))
        {
            return false;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(_options.BufferSize);
        try
        {
            for (long position = 8; position < length;)
            {
                _cancellationToken.ThrowIfCancellationRequested();
                if (StoredRar5Archive.ReadBlock(window, position, length) is not { } block || block.Split || block.VolumeOrSolid)
                {
                    return false;
                }

                switch (block.Type)
                {
                    case 1:
                    case 3:
                        break;
                    case 2 when block.Stored:
                        WriteStored(stream, block.Entry!, sink, buffer);
                        written++;
                        break;
                    case 5:
                        if (written == 0)
                        {
                            throw new InvalidDataException(EmptyArchive);
                        }

                        return true;
                    default:
                        return false;
                }

                position = block.Next;
            }

            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void WriteStored(Stream stream, StoredRar5Entry entry, Sink sink, byte[] buffer)
    {
        var link = entry.Kind is Rar5EntryKind.SymbolicLink or Rar5EntryKind.Unsupported;
        var relative = sink.Accept(entry.Name, entry.IsDirectory, link ? entry : null, null);
        if (relative is null)
        {
            return; // a directory or a link: nothing to copy
        }

        var path = Path.Combine(sink.Destination, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var target = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.None, preallocationSize: entry.Size);
        var crc = new Crc32();
        long done = 0;
        while (done < entry.Size)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            var read = ReadAt(stream, buffer.AsSpan(0, (int)Math.Min(buffer.Length, entry.Size - done)), entry.DataOffset + done);
            if (read <= 0)
            {
                throw new InvalidDataException($"entry '{entry.Name}' is truncated ({done} of {entry.Size} bytes)");
            }

            crc.Append(buffer.AsSpan(0, read));
            RandomAccess.Write(target, buffer.AsSpan(0, read), done);
            done += read;
            Report(relative, force: false);
        }

        if (crc.GetCurrentHashAsUInt32() != entry.Crc32)
        {
            throw new InvalidDataException($"entry '{entry.Name}' failed its CRC32 check (the archive is corrupt)");
        }
    }

    private void ExtractWithReader(IReadOnlyList<string> volumes, Func<string, Stream> open, Sink sink, int skip, string archivePath)
    {
        var streams = volumes.Select(v => Open(open, v)).ToList();
        _counted = streams;
        // SharpCompress does not expose RAR5 redirection records: a header walk over separate streams,
        // kept just ahead of the reader, names the links.
        var links = new Rar5HeaderWalk(volumes.Select(v => Open(open, v)).ToList());
        using var reader = RarReader.OpenReader(streams, new ReaderOptions { LeaveStreamOpen = true });
        var index = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(_options.BufferSize);
        try
        {
            while (reader.MoveToNextEntry())
            {
                _cancellationToken.ThrowIfCancellationRequested();
                var entry = reader.Entry;
                if (index++ < skip)
                {
                    continue; // written by the fast path
                }

                if (entry.IsEncrypted)
                {
                    throw new UnpackException(archivePath, "encrypted archive (password-protected archives are not supported)");
                }

                var redirection = entry.Key is null ? null : links.Find(entry.Key);
                var relative = sink.Accept(entry.Key, entry.IsDirectory, redirection is { Kind: Rar5EntryKind.SymbolicLink or Rar5EntryKind.Unsupported } ? redirection : null, entry.LinkTarget);
                if (relative is null)
                {
                    continue;
                }

                var path = Path.Combine(sink.Destination, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                using var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
                if (entry.Size > 0)
                {
                    output.SetLength(entry.Size);
                }

                using var input = reader.OpenEntryStream();
                long written = 0;
                int read;
                while ((read = input.Read(buffer, 0, buffer.Length)) > 0)
                {
                    output.Write(buffer, 0, read);
                    written += read;
                    Report(relative, force: false);
                    _cancellationToken.ThrowIfCancellationRequested();
                }

                if (written != entry.Size)
                {
                    throw new InvalidDataException($"entry '{entry.Key}' is truncated ({written} of {entry.Size} bytes)");
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (index == 0)
        {
            throw new InvalidDataException(EmptyArchive);
        }
    }

    private static int ReadAt(Stream stream, Span<byte> buffer, long offset)
    {
        stream.Position = offset;
        return stream.Read(buffer);
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
            // Progress in archive bytes consumed: how far the install trails the download.
            var done = force ? _totalBytes : _doneBefore + _counted.Sum(SafePosition);
            _progress.Report(new UnpackProgress(Math.Min(done, _totalBytes), _totalBytes, current));
        }
    }

    private static long SafePosition(Stream stream)
    {
        try
        {
            return stream.Position;
        }
        catch (ObjectDisposedException)
        {
            return 0;
        }
    }

    /// <summary>What has been written so far: validates each entry as it comes, keeps the links for the end.</summary>
    private sealed class Sink(string destination)
    {
        private readonly EntryPathValidator _validator = new(destination);
        private readonly List<string> _relatives = [];
        private readonly List<(string Relative, string Target)> _links = [];

        public string Destination { get; } = destination;

        /// <summary>Validates an entry; returns its relative path when it is a file to write, null when it is a directory (made) or a link (kept for the end).</summary>
        public string? Accept(string? name, bool isDirectory, StoredRar5Entry? redirection, string? linkTarget)
        {
            var relative = _validator.Validate(name, isDirectory);
            _relatives.Add(relative);
            if (redirection is not null)
            {
                _links.Add((relative, RarExtraction.ValidateLink(_validator, relative, redirection)));
                return null;
            }

            if (!string.IsNullOrEmpty(linkTarget))
            {
                _validator.ValidateLink(relative, linkTarget);
                _links.Add((relative, linkTarget));
                return null;
            }

            if (isDirectory)
            {
                Directory.CreateDirectory(Path.Combine(Destination, relative));
                return null;
            }

            return relative;
        }

        /// <summary>Links last, so no entry is ever written through a link.</summary>
        public void Finish()
        {
            SymlinkWriter.EnsureNothingBelowLinks(_relatives, _links.Select(l => l.Relative).ToList());
            foreach (var (relative, target) in _links)
            {
                SymlinkWriter.Create(Destination, relative, target);
            }
        }
    }
}
