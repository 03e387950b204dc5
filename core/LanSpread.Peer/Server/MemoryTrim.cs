using System.Runtime;
using System.Runtime.InteropServices;

namespace LanSpread.Peer.Server;

/// <summary>
/// Gives memory back to the operating system after a burst of clients is gone. Neither the GC nor
/// glibc's allocator (where OpenSSL keeps each TLS connection's state) returns freed memory on their
/// own while the process is quiet, so without this a peer that survived 200 abusive connections kept
/// their footprint for good. Runs rarely: only after the server held many transfers and most ended.
/// </summary>
internal static partial class MemoryTrim
{
    private static int _unavailable;

    public static void Run()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true);
        // Certificates and TLS handles of closed connections free their native memory in finalizers.
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (OperatingSystem.IsLinux() && Volatile.Read(ref _unavailable) == 0)
        {
            try
            {
                _ = MallocTrim(0);
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
            {
                Volatile.Write(ref _unavailable, 1); // musl and other libcs without malloc_trim(3)
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
