namespace LanSpread.Peer.FileSystem;

/// <summary>Recognises "disk full" across platforms, so users see that rather than an errno.</summary>
public static class DiskErrors
{
    private const int Enospc = 28;
    private const int WindowsDiskFull = unchecked((int)0x80070070);
    private const int WindowsHandleDiskFull = unchecked((int)0x80070027);

    public static bool IsDiskFull(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e is IOException io && (io.HResult is Enospc or WindowsDiskFull or WindowsHandleDiskFull
                || io.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase)
                || io.Message.Contains("disk was full", StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }

        return false;
    }

    public static Exception Innermost(Exception exception)
    {
        var e = exception;
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }
}
