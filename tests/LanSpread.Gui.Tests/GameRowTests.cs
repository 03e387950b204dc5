using Bunit;
using LanSpread.Core.Model;
using LanSpread.Gui.Components;
using LanSpread.Gui.Services;
using Xunit;

namespace LanSpread.Gui.Tests;

/// <summary>Component tests (bunit) of a library row in each state: label, details and the actions that fit.</summary>
public sealed class GameRowTests : IDisposable
{
    private readonly BunitContext _context = new();

    public void Dispose() => _context.Dispose();

    private static Game Game(bool downloaded = false, bool installed = false, string? local = null, string? latest = "2", int offered = 1) =>
        new("bfbc2", "Battlefield: Bad Company 2", "Squad shooter", "Shooter", 32, 123_456_789, local, latest, downloaded, installed, offered, true);

    private IRenderedComponent<GameRow> Render(Game game, GameOperation? operation = null, Action<string>? download = null, Action<string>? update = null, Action<string>? uninstall = null, Action<string>? cancel = null) =>
        _context.Render<GameRow>(p => p
            .Add(x => x.Game, game)
            .Add(x => x.Operation, operation)
            .Add(x => x.OnDownload, download ?? (_ => { }))
            .Add(x => x.OnUpdate, update ?? (_ => { }))
            .Add(x => x.OnUninstall, uninstall ?? (_ => { }))
            .Add(x => x.OnCancel, cancel ?? (_ => { })));

    private static string State(IRenderedComponent<GameRow> row) => row.Find("[data-testid=state]").TextContent;

    private static string[] Buttons(IRenderedComponent<GameRow> row) => row.FindAll("button").Select(b => b.TextContent).ToArray();

    [Fact]
    public void Not_downloaded_and_offered_shows_Download_which_asks_for_the_game()
    {
        string? asked = null;
        var row = Render(Game(), download: id => asked = id);
        Assert.Equal("not downloaded", State(row));
        Assert.Equal(["Download"], Buttons(row));
        row.Find("button").Click();
        Assert.Equal("bfbc2", asked);
        Assert.Contains("117.7 MiB", row.Find(".size").TextContent, StringComparison.Ordinal);
        Assert.Contains("– / 2", row.Find(".version").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Not_offered_by_anyone_has_no_action()
    {
        var row = Render(Game(offered: 0, latest: null));
        Assert.Equal("not available", State(row));
        Assert.Empty(Buttons(row));
    }

    [Fact]
    public void Downloading_shows_progress_rate_eta_peers_and_Cancel()
    {
        string? cancelled = null;
        var row = Render(Game(), new GameOperation(GameOperationKind.Downloading, 50 * 1024 * 1024, 100 * 1024 * 1024, 10 * 1024 * 1024, ["alpha", "deep-stage-b"]), cancel: id => cancelled = id);
        Assert.Equal("downloading", State(row));
        var detail = row.Find("[data-testid=progress]").TextContent;
        Assert.Contains("50.0 MiB of 100.0 MiB", detail, StringComparison.Ordinal);
        Assert.Contains("10.0 MiB/s", detail, StringComparison.Ordinal);
        Assert.Contains("ETA 00:05", detail, StringComparison.Ordinal);
        Assert.Contains("alpha, deep-stage-b", detail, StringComparison.Ordinal);
        Assert.Contains("width:50.0%", row.Find(".bar").GetAttribute("style"), StringComparison.Ordinal);
        row.Find("button").Click();
        Assert.Equal("bfbc2", cancelled);
    }

    [Fact]
    public void Installed_and_up_to_date_offers_Uninstall()
    {
        string? removed = null;
        var row = Render(Game(downloaded: true, installed: true, local: "2"), uninstall: id => removed = id);
        Assert.Equal("installed", State(row));
        Assert.Equal(["Uninstall"], Buttons(row));
        row.Find("button").Click();
        Assert.Equal("bfbc2", removed);
    }

    [Fact]
    public void A_newer_version_on_the_LAN_offers_Update()
    {
        string? updated = null;
        var row = Render(Game(downloaded: true, installed: true, local: "1", latest: "2"), update: id => updated = id);
        Assert.Equal("update available", State(row));
        Assert.Equal(["Update", "Uninstall"], Buttons(row));
        row.FindAll("button")[0].Click();
        Assert.Equal("bfbc2", updated);
    }

    [Fact]
    public void Installing_and_downloaded_states()
    {
        Assert.Equal("installing", State(Render(Game(downloaded: true, local: "2"), new GameOperation(GameOperationKind.Installing, 10, 100))));
        var downloaded = Render(Game(downloaded: true, local: "2"));
        Assert.Equal("downloaded", State(downloaded));
        Assert.Equal(["Install"], Buttons(downloaded));
    }

    [Fact]
    public void A_failure_is_shown_on_the_game_it_concerns_with_a_retry()
    {
        var row = Render(Game(), new GameOperation(GameOperationKind.Failed, Error: "disk full: No space left on device"));
        Assert.Equal("failed", State(row));
        Assert.Equal("disk full: No space left on device", row.Find("[data-testid=error]").TextContent);
        Assert.Equal(["Download"], Buttons(row));
    }
}
