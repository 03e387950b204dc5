using LanSpread.Core.Commands;
using LanSpread.Core.Events;
using LanSpread.Peer.Library;
using LanSpread.Peer.Peers;
using LanSpread.Peer.Runtime;
using LanSpread.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace LanSpread.Peer.Tests.Library;

/// <summary>The local game monitor on a real file system: watcher, gating during operations, fallback scan.</summary>
public sealed class MonitorTests : IAsyncLifetime
{
    private readonly TempDir _temp = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly OperationTracker _operations = new();
    private LocalLibrary _library = null!;
    private LocalGameMonitor _monitor = null!;
    private EventLog _log = null!;
    private Task _run = Task.CompletedTask;

    private string Games => Path.Combine(_temp.Path, "games");

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(Games);
        GameFixture.Create(Games, "cs16", "1", new Dictionary<string, byte[]> { ["a"] = [1] }, new Dictionary<string, byte[]> { ["maps/de_dust.bsp"] = [1] });
        var catalog = GameCatalog.LoadBundled();
        var scanner = new LibraryScanner(catalog, new LibraryIndex(null, NullLogger<LibraryIndex>.Instance), NullLogger<LibraryScanner>.Instance);
        var library = new LocalLibrary(Games, scanner, NullLogger<LocalLibrary>.Instance);
        library.RescanAll();
        var events = new EventBus(NullLogger<EventBus>.Instance);
        _log = new EventLog(events);
        _library = library;
        _monitor = new LocalGameMonitor(
            new PeerRuntimeOptions { RescanDebounce = TimeSpan.FromMilliseconds(100), FallbackScanInterval = TimeSpan.FromSeconds(1) },
            library, _operations, events, new LibraryPublisher(events, new PeerGameDB(), library, catalog), NullLogger<LocalGameMonitor>.Instance);
        _run = _monitor.RunAsync(_stop.Token);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run.ContinueWith(_ => { }, TaskScheduler.Default);
        _monitor.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public async Task A_game_copied_in_by_hand_appears_without_a_restart()
    {
        var staging = _temp.Sub("elsewhere");
        GameFixture.Create(staging, "bfbc2", "7", new Dictionary<string, byte[]> { ["x"] = [9] });
        Directory.Move(Path.Combine(staging, "bfbc2"), Path.Combine(Games, "bfbc2"));
        var changed = await _log.WaitAsync<LocalLibraryChanged>(e => e.Games.Any(g => g.Id == "bfbc2" && g.Version == "7"), TimeSpan.FromSeconds(10));
        Assert.Contains(changed.Games, g => g.Id == "cs16");
    }

    [Fact]
    public async Task A_change_in_a_root_rescans_that_game()
    {
        File.Delete(Path.Combine(Games, "cs16", "version.ini"));
        await _log.WaitAsync<LocalLibraryChanged>(e => e.Games.Any(g => g.Id == "cs16" && !g.IsDownloaded), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Rescans_are_held_while_an_operation_runs_and_happen_when_it_ends()
    {
        var claim = _operations.TryBegin("cs16", "download")!;
        File.Delete(Path.Combine(Games, "cs16", "version.ini"));
        // The watcher's debounce and a whole fallback scan run meanwhile: both would have reported it.
        var scans = _monitor.FullScans;
        await Poll.UntilAsync(() => _monitor.FullScans >= scans + 2, TimeSpan.FromSeconds(15), "two fallback scans");
        Assert.True(_library.Find("cs16")!.Game.IsDownloaded);
        Assert.DoesNotContain(_log.OfType<LocalLibraryChanged>(), e => e.Games.Any(g => g.Id == "cs16" && !g.IsDownloaded));

        claim.Dispose();
        await _log.WaitAsync<LocalLibraryChanged>(e => e.Games.Any(g => g.Id == "cs16" && !g.IsDownloaded), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task The_fallback_scan_catches_what_the_non_recursive_watchers_cannot_see()
    {
        // A new file two levels down: neither the directory watcher nor the root watcher sees it.
        File.WriteAllBytes(Path.Combine(Games, "cs16", "maps", "de_aztec.bsp"), new byte[5000]);
        var before = _monitor.FullScans;
        await _log.WaitAsync<LocalLibraryChanged>(e => e.Games.Any(g => g.Id == "cs16" && g.Size > 5000), TimeSpan.FromSeconds(10));
        Assert.True(_monitor.FullScans > before);
    }

    [Fact]
    public async Task Nothing_changed_means_no_LocalLibraryChanged()
    {
        // A whole fallback scan (started after the watchers were attached) has run and found nothing new.
        var scans = _monitor.FullScans;
        await Poll.UntilAsync(() => _monitor.FullScans >= scans + 2, TimeSpan.FromSeconds(15), "two fallback scans");
        Assert.Empty(_log.OfType<LocalLibraryChanged>());
        Assert.True(_monitor.FullScans >= 1);
    }
}

public sealed class SetGameDirTests
{
    [Fact]
    public async Task SetGameDir_switches_rescans_and_re_announces_and_refuses_bad_paths()
    {
        using var temp = new TempDir();
        var first = temp.Sub("first");
        var second = temp.Sub("second");
        GameFixture.Create(first, "cs16", "1", new Dictionary<string, byte[]> { ["a"] = [1] });
        GameFixture.Create(second, "bfbc2", "2", new Dictionary<string, byte[]> { ["b"] = [2] });
        await using var peer = await TestPeer.StartAsync(temp, "switcher", games: first);
        await using var client = await TestPeer.StartAsync(temp, "watcher", [peer]);
        await client.WaitForOffersAsync("cs16", 1);

        await peer.Runtime.SendAsync(new SetGameDir(second));
        var changed = await peer.Log.WaitAsync<GameDirChanged>();
        Assert.Equal(second, changed.Path);
        await peer.Log.WaitAsync<LocalLibraryChanged>(e => e.Games.Select(g => g.Id).SequenceEqual(["bfbc2"]));
        await client.WaitForOffersAsync("bfbc2", 1); // re-announced: the client re-lists on the new revision
        Assert.Empty(client.Runtime.PeerGameDb.PeersWithLatest("cs16"));

        await peer.Runtime.SendAsync(new SetGameDir(Path.Combine(temp.Path, "missing")));
        var refused = await peer.Log.WaitAsync<CommandFailed>(e => e.Command == nameof(SetGameDir));
        Assert.Contains("does not exist", refused.Reason, StringComparison.Ordinal);
        Assert.Equal(second, peer.Runtime.Library.GameDirectory);
    }
}
