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

    private static Game Game(bool downloaded = false, bool installed = false, string? local = null, string? latest = "2", int offered = 1, bool inCatalog = true) =>
        new("bfbc2", "Battlefield: Bad Company 2", "Squad shooter", "Shooter", 32, 123_456_789, local, latest, downloaded, installed, offered, inCatalog);

    private IRenderedComponent<GameRow> Render(Game game, GameOperation? operation = null, Action<string>? download = null, Action<string>? update = null, Action<string>? uninstall = null, Action<string>? cancel = null, Action<string>? retry = null) =>
        _context.Render<GameRow>(p => p
            .Add(x => x.Game, game)
            .Add(x => x.Operation, operation)
            .Add(x => x.OnDownload, download ?? (_ => { }))
            .Add(x => x.OnUpdate, update ?? (_ => { }))
            .Add(x => x.OnUninstall, uninstall ?? (_ => { }))
            .Add(x => x.OnCancel, cancel ?? (_ => { }))
            .Add(x => x.OnRetry, retry ?? (_ => { })));

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
    public void Downloading_shows_progress_rate_eta_peers_and_Pause()
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
    public void Installed_and_up_to_date_offers_Uninstall_which_asks_first_in_red()
    {
        string? removed = null;
        var row = Render(Game(downloaded: true, installed: true, local: "2"), uninstall: id => removed = id);
        Assert.Equal("installed", State(row));
        Assert.Equal(["Uninstall"], Buttons(row));
        Assert.Contains("danger-outline", row.Find("button").ClassList);
        row.Find("button").Click();
        Assert.Null(removed);
        Assert.Contains("Delete the installed files", row.Find("[data-testid=confirm-uninstall]").TextContent, StringComparison.Ordinal);
        Assert.Equal(["Uninstall", "Keep"], Buttons(row));
        row.FindAll("button")[1].Click();
        Assert.Null(removed);
        Assert.Equal(["Uninstall"], Buttons(row));
        row.Find("button").Click();
        row.Find("[data-testid=confirm]").Click();
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
        string? retried = null;
        var row = Render(Game(), new GameOperation(GameOperationKind.Failed, Error: "disk full: No space left on device"), retry: id => retried = id);
        Assert.Equal("failed", State(row));
        Assert.Equal("disk full: No space left on device", row.Find("[data-testid=error]").TextContent);
        Assert.Equal(["Retry", "Dismiss"], Buttons(row));
        row.Find("button").Click();
        Assert.Equal("bfbc2", retried);
    }

    [Fact]
    public void A_failed_download_cannot_be_retried_while_no_peer_offers_the_game_but_a_failed_install_can()
    {
        var download = Render(Game(offered: 0), new GameOperation(GameOperationKind.Failed, Error: "x", Action: GameAction.Download));
        Assert.True(download.Find("button").HasAttribute("disabled"));
        var install = Render(Game(downloaded: true, local: "2", offered: 0), new GameOperation(GameOperationKind.Failed, Error: "x", Action: GameAction.Install));
        Assert.False(install.Find("button").HasAttribute("disabled"));
    }

    [Fact]
    public void A_paused_download_shows_what_was_kept_and_offers_Resume_and_Discard_which_asks_first()
    {
        string? resumed = null;
        var row = Render(Game(), new GameOperation(GameOperationKind.Paused, 5 * 1024 * 1024, 20 * 1024 * 1024), retry: id => resumed = id);
        Assert.Equal("paused", State(row));
        Assert.Equal("5.0 MiB of 20.0 MiB kept. Resume fetches only the rest.", row.Find("[data-testid=paused]").TextContent);
        Assert.Equal(["Resume", "Discard"], Buttons(row));
        row.FindAll("button")[1].Click();
        Assert.Contains("Delete the 5.0 MiB downloaded so far", row.Find("[data-testid=confirm-discard]").TextContent, StringComparison.Ordinal);
        row.FindAll("button")[1].Click(); // Keep
        row.Find("button").Click();
        Assert.Equal("bfbc2", resumed);
    }

    [Fact]
    public void A_refused_downgrade_offers_the_replacement_only_after_a_confirmation()
    {
        var row = Render(Game(downloaded: true, installed: true, local: "3", latest: "3"), new GameOperation(GameOperationKind.Failed, Error: "version 3 here is newer than version 2 offered by the peers: it was kept, nothing was replaced", OfferDowngrade: true));
        Assert.Equal(["Replace with older version", "Dismiss"], Buttons(row));
        row.Find("button").Click();
        Assert.Contains("Replace version 3 here by the older one", row.Find("[data-testid=confirm-downgrade]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cancelled_download_is_not_a_failure_and_can_be_started_again()
    {
        var row = Render(Game(), new GameOperation(GameOperationKind.Cancelled, Error: "cancelled"));
        Assert.Equal("cancelled", State(row));
        Assert.Empty(row.FindAll(".error"));
        Assert.Equal(["Download again", "Dismiss"], Buttons(row));
    }

    [Fact]
    public void Installed_files_without_a_downloaded_version_offer_to_download_again_not_only_Uninstall()
    {
        var row = Render(Game(downloaded: false, installed: true, local: null));
        Assert.Equal("download interrupted", State(row));
        Assert.Equal(["Download again", "Uninstall"], Buttons(row));
    }

    [Fact]
    public void A_game_the_catalog_does_not_know_is_marked_with_how_to_add_it_and_has_no_action()
    {
        var row = Render(Game(downloaded: true, local: "1", inCatalog: false));
        Assert.Equal("not in the catalog", State(row));
        Assert.Contains("--catalog FILE", row.Find("[data-testid=catalog-hint]").TextContent, StringComparison.Ordinal);
        Assert.Empty(Buttons(row));
    }
}
