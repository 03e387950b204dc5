using LanSpread.Core.Events;
using Xunit;

namespace LanSpread.TestKit;

/// <summary>Checks for a download that did not commit while an install streamed behind it (issue 22).</summary>
public static class StreamingInstallAssert
{
    /// <summary>
    /// An install that began behind the download ended in <see cref="InstallGameFailed"/>, never finished, and
    /// left no staging directory; <c>local/</c> is whatever it was before (the caller checks its content).
    /// </summary>
    public static async Task RolledBackAsync(TestPeer peer, string root)
    {
        ArgumentNullException.ThrowIfNull(peer);
        if (peer.Log.OfType<InstallGameBegin>().Any())
        {
            var failed = await peer.Log.WaitAsync<InstallGameFailed>(timeout: TimeSpan.FromSeconds(30));
            Assert.Contains("did not complete", failed.Reason, StringComparison.Ordinal);
        }

        Assert.Empty(peer.Log.OfType<InstallGameFinished>());
        Assert.False(Directory.Exists(Path.Combine(root, ".local.installing")));
        Assert.False(File.Exists(Path.Combine(root, ".lanspread.json")));
    }
}
