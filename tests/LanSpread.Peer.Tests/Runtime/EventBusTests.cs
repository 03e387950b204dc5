using LanSpread.Core.Events;
using LanSpread.Core.Model;
using LanSpread.Peer.Runtime;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace LanSpread.Peer.Tests.Runtime;

/// <summary>The slow-consumer policy: publishing never blocks, lifecycle events are all kept in order, progress is coalesced.</summary>
public sealed class EventBusTests
{
    [Fact]
    public async Task A_consumer_that_reads_late_gets_every_lifecycle_event_and_only_the_latest_progress()
    {
        var bus = new EventBus(NullLogger<EventBus>.Instance);
        var peer = PeerId.FromCertificate([1]);
        for (var i = 0; i < 20_000; i++)
        {
            bus.Publish(new DownloadProgress("a", i, 20_000, 1));
            bus.Publish(new DownloadProgress("b", i * 2, 40_000, 1));
            if (i % 100 == 0)
            {
                bus.Publish(new ChunkCompleted("a", "f", i, 1, "p", peer));
            }
        }

        bus.Publish(new DownloadGameFilesFinished("a", "1", [], 1));
        bus.Complete();

        var events = new List<PeerEvent>();
        await foreach (var e in bus.ReadAllAsync())
        {
            events.Add(e);
        }

        var chunks = events.OfType<ChunkCompleted>().Select(c => c.Offset).ToList();
        Assert.Equal(Enumerable.Range(0, 200).Select(i => (long)i * 100), chunks); // none lost, in order
        Assert.IsType<DownloadGameFilesFinished>(events[^1]);
        var progress = events.OfType<DownloadProgress>().ToList();
        Assert.True(progress.Count <= 4, $"{progress.Count} progress events were queued for two games");
        Assert.Equal(19_999, progress.Last(p => p.Game == "a").BytesDone);
        Assert.Equal(39_998, progress.Last(p => p.Game == "b").BytesDone);
    }

    [Fact]
    public async Task Progress_read_as_it_comes_is_not_lost()
    {
        var bus = new EventBus(NullLogger<EventBus>.Instance);
        bus.Publish(new DownloadProgress("a", 1, 10, 1));
        Assert.Equal(1, ((DownloadProgress)await bus.ReadAsync(default)).BytesDone);
        bus.Publish(new DownloadProgress("a", 2, 10, 1));
        Assert.Equal(2, ((DownloadProgress)await bus.ReadAsync(default)).BytesDone);
    }
}
