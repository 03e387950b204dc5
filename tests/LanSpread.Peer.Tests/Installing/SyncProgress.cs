using LanSpread.Core.Unpacking;

namespace LanSpread.Peer.Tests.Installing;

/// <summary>Records progress reports as they are made (Progress&lt;T&gt; would post them later).</summary>
internal sealed class SyncProgress(List<UnpackProgress> reports) : IProgress<UnpackProgress>
{
    public void Report(UnpackProgress value)
    {
        lock (reports)
        {
            reports.Add(value);
        }
    }
}
