using System.Runtime.InteropServices;

namespace LanSpread.Peer.FileSystem;

/// <summary>
/// The one place files are replaced atomically: write a temp file beside the target, flush it to disk,
/// rename it over the target, then flush the directory so the rename itself survives a power cut.
/// </summary>
public static partial class AtomicFile
{
    public const string TempSuffix = ".lanspread-tmp";

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> content)
    {
        var temp = path + TempSuffix;
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
        FlushDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>Renames and flushes the directory (fsync of the parent), where the platform allows.</summary>
    public static void Rename(string from, string to, bool overwrite = false)
    {
        if (Directory.Exists(from))
        {
            Directory.Move(from, to);
        }
        else
        {
            File.Move(from, to, overwrite);
        }

        FlushDirectory(Path.GetDirectoryName(Path.GetFullPath(to))!);
    }

    /// <summary>fsync(2) on a directory: makes renames and creations in it durable. A no-op off Unix.</summary>
    public static void FlushDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var fd = Open(directory, 0 /* O_RDONLY */);
        if (fd < 0)
        {
            return;
        }

        try
        {
            _ = Fsync(fd);
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync")]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
