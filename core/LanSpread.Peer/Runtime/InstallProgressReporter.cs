using LanSpread.Core.Events;
using LanSpread.Core.Unpacking;

namespace LanSpread.Peer.Runtime;

/// <summary>Turns unpack progress into <see cref="InstallProgress"/> events.</summary>
internal sealed class InstallProgressReporter(EventBus events, string game) : IProgress<UnpackProgress>
{
    public void Report(UnpackProgress value) => events.Publish(new InstallProgress(game, value.BytesDone, value.TotalBytes));
}
