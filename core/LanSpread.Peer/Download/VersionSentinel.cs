using LanSpread.Peer.FileSystem;

namespace LanSpread.Peer.Download;

/// <summary>
/// The download's version-sentinel transaction: the old <c>version.ini</c> is parked as
/// <c>.version.ini.discarded</c> before any byte changes (the game stops counting as downloaded), the
/// new one is committed last (<c>.version.ini.tmp</c>, flush, atomic rename), and a failed download
/// sweeps both temp names without restoring the old sentinel — the files are no longer that version.
/// </summary>
internal sealed class VersionSentinel(string root)
{
    private string Sentinel => Path.Combine(root, GameRootLayout.VersionFile);

    private string Temp => Path.Combine(root, GameRootLayout.VersionTemp);

    private string Discarded => Path.Combine(root, GameRootLayout.VersionDiscarded);

    public void Park()
    {
        File.Delete(Temp);
        if (File.Exists(Sentinel))
        {
            AtomicFile.Rename(Sentinel, Discarded, overwrite: true);
        }
    }

    public void Commit(ReadOnlySpan<byte> content)
    {
        using (var stream = new FileStream(Temp, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }

        AtomicFile.Rename(Temp, Sentinel, overwrite: true);
        File.Delete(Discarded);
    }

    public void Sweep()
    {
        File.Delete(Temp);
        File.Delete(Discarded);
        AtomicFile.FlushDirectory(root);
    }
}
