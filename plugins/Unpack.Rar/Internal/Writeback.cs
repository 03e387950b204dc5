using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace LanSpread.Unpack.Rar.Internal;

/// <summary>
/// Starts the kernel's writeback of bytes just written (Linux <c>sync_file_range(SYNC_FILE_RANGE_WRITE)</c>:
/// it queues the dirty pages for the disk and waits for nothing), so the disk writes the unpacked tree while
/// the copy goes on, instead of all of it at the next <c>sync</c> or dirty-page flush after the install
/// (dpkg does the same per file for the same reason). It changes no guarantee: nothing waits for it, and
/// the transaction's commit is what makes an install visible. Elsewhere, or on a file system that refuses
/// it, it is a no-op.
/// </summary>
internal static partial class Writeback
{
    /// <summary>How many written bytes of one file are queued at a time: large enough for long sequential disk writes.</summary>
    public const long Batch = 8 * 1024 * 1024;

    private const uint SyncFileRangeWrite = 2;

    // Cleared for the process at the first refusal (ENOSYS, EINVAL on a file system without it): it is
    // an optimisation, never a reason to fail or to retry per file.
    private static volatile bool s_enabled = OperatingSystem.IsLinux();

    /// <summary>Queues <paramref name="length"/> bytes of <paramref name="file"/> from <paramref name="offset"/> for writing to disk.</summary>
    public static void Start(SafeFileHandle file, long offset, long length)
    {
        if (!s_enabled || length <= 0)
        {
            return;
        }

        try
        {
            if (SyncFileRange(file, offset, length, SyncFileRangeWrite) != 0)
            {
                s_enabled = false;
            }
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            s_enabled = false;
        }
    }

    [LibraryImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    private static partial int SyncFileRange(SafeFileHandle fd, long offset, long nbytes, uint flags);
}
