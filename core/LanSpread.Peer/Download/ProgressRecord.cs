using System.Globalization;
using System.Text;
using LanSpread.Peer.FileSystem;

namespace LanSpread.Peer.Download;

/// <summary>
/// The durable resume record of a download, <c>.lanspread.progress</c> beside the intent log: a header
/// naming the manifest digest, then one line per verified chunk (<c>SHA256 OFFSET PATH</c>) of the files
/// staged under <c>.lanspread.partial/</c>. Chunks are recorded in batches, written off the caller's thread: the staged files of the
/// batch are fsync'd first, then the lines are appended and the record fsync'd, so a recorded chunk is
/// on disk and a crash loses at most the last batches. A torn last line is ignored when read back.
/// </summary>
internal sealed class ProgressRecord : IDisposable
{
    private const string Header = "lanspread-progress/1";

    private readonly string _stagingRoot;
    private readonly long _batchBytes;
    private readonly TimeSpan _batchInterval;
    private readonly FileStream _stream;
    private readonly List<(string Path, long Offset, string Sha)> _pending = [];
    private long _pendingBytes;
    private readonly Lock _gate = new();
    private readonly Lock _writer = new();
    private long _lastFlush = Environment.TickCount64;
    private Task _background = Task.CompletedTask;
    private LocalWriteException? _failure;

    private ProgressRecord(string path, string stagingRoot, string digest, bool append, long batchBytes, TimeSpan batchInterval)
    {
        _stagingRoot = stagingRoot;
        _batchBytes = Math.Max(1, batchBytes);
        _batchInterval = batchInterval;
        _stream = new FileStream(path, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 0);
        if (!append)
        {
            _stream.Write(Encoding.UTF8.GetBytes($"{Header} {digest}\n"));
            _stream.Flush(flushToDisk: true);
            AtomicFile.FlushDirectory(Path.GetDirectoryName(path)!);
        }
    }

    public static string PathIn(string root) => System.IO.Path.Combine(root, GameRootLayout.ProgressRecord);

    /// <summary>
    /// The verified chunks recorded for <paramref name="digest"/>, keyed (path, offset) → sha256; empty
    /// when there is no record or it belongs to another manifest.
    /// </summary>
    public static Dictionary<(string Path, long Offset), string> Load(string root, string digest, out bool sameManifest)
    {
        var chunks = new Dictionary<(string, long), string>();
        sameManifest = false;
        var path = PathIn(root);
        if (!File.Exists(path))
        {
            return chunks;
        }

        using var reader = new StreamReader(path, Encoding.UTF8);
        if (reader.ReadLine() != $"{Header} {digest}")
        {
            return chunks;
        }

        sameManifest = true;
        while (reader.ReadLine() is { } line)
        {
            var parts = line.Split(' ', 3);
            if (parts.Length == 3 && parts[0].Length == 64 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var offset) && parts[2].Length > 0)
            {
                chunks[(parts[2], offset)] = parts[0];
            }
        }

        return chunks;
    }

    /// <summary>Opens the record for appending (same manifest) or starts a fresh one.</summary>
    public static ProgressRecord Open(string root, string stagingRoot, string digest, bool append, long batchBytes, TimeSpan batchInterval) =>
        new(PathIn(root), stagingRoot, digest, append, batchBytes, batchInterval);

    /// <summary>
    /// Records a verified chunk; when the batch is full or old enough it is written on a pool thread, so
    /// the caller (the scheduler's loop) does not wait for the fsyncs: they took 5-10 ms each, ten times a
    /// second, and every one held back the next requests (docs/BENCHMARKS.md, P1). A write that failed in
    /// the background is thrown here, at the next chunk.
    /// </summary>
    public void Add(string path, long offset, long length, string sha)
    {
        lock (_gate)
        {
            ThrowIfFailedLocked();
            _pending.Add((path, offset, sha));
            _pendingBytes += length;
            if (_background.IsCompleted && (_pendingBytes >= _batchBytes || Environment.TickCount64 - _lastFlush >= _batchInterval.TotalMilliseconds))
            {
                _lastFlush = Environment.TickCount64;
                _background = Task.Run(WriteInBackground);
            }
        }
    }

    /// <summary>Writes what is pending (staged data first, then the record), durably: every chunk added before this call is on disk when it returns.</summary>
    public void Flush()
    {
        WritePending();
        lock (_gate)
        {
            ThrowIfFailedLocked();
        }
    }

    public void Dispose()
    {
        Task background;
        lock (_gate)
        {
            background = _background;
        }

        // The record's stream must not close under a batch being written.
        background.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).Wait();
        _stream.Dispose();
    }

    private void WriteInBackground()
    {
        try
        {
            WritePending();
        }
        catch (LocalWriteException ex)
        {
            lock (_gate)
            {
                _failure ??= ex;
            }
        }
    }

    private void ThrowIfFailedLocked()
    {
        if (_failure is { } failure)
        {
            throw new LocalWriteException(failure.Message, failure);
        }
    }

    /// <summary>
    /// One writer at a time, and it takes everything pending when it starts: batches reach the record in
    /// the order they were added, and a line is written only after its staged data was fsync'd.
    /// </summary>
    private void WritePending()
    {
        lock (_writer)
        {
            List<(string Path, long Offset, string Sha)> batch;
            lock (_gate)
            {
                _lastFlush = Environment.TickCount64;
                if (_pending.Count == 0)
                {
                    return;
                }

                batch = [.. _pending];
                _pending.Clear();
                _pendingBytes = 0;
            }

            try
            {
                foreach (var file in batch.Select(p => p.Path).Distinct(StringComparer.Ordinal))
                {
                    // fsync is per inode: a fresh descriptor flushes what the chunk writers wrote.
                    using var data = new FileStream(System.IO.Path.Combine(_stagingRoot, file), FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
                    data.Flush(flushToDisk: true);
                }

                var text = new StringBuilder();
                foreach (var (path, offset, sha) in batch)
                {
                    text.Append(sha).Append(' ').Append(offset.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(path).Append('\n');
                }

                _stream.Write(Encoding.UTF8.GetBytes(text.ToString()));
                _stream.Flush(flushToDisk: true);
            }
            catch (IOException ex)
            {
                throw new LocalWriteException($"cannot record download progress: {ex.Message}", ex);
            }
        }
    }
}
