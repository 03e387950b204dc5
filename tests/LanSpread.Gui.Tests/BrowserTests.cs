using LanSpread.TestKit;
using Microsoft.Playwright;
using Xunit;
using Xunit.Abstractions;

namespace LanSpread.Gui.Tests;

/// <summary>
/// End to end in a real browser: Playwright drives Debian's Chromium against the real GUI process while
/// real <c>lanspread serve</c> processes offer games on loopback. Each failure path a LAN party hits is
/// produced for real: a frozen seeder (SIGSTOP) holds a download open without racing it, a killed one
/// disappears, a corrupt archive fails its install. Screenshots go to the test output (screenshots/).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class BrowserTests(ChromiumFixture chromium, ITestOutputHelper output)
{
    private static string Screenshots => Directory.CreateDirectory(Path.Combine(Repo.Output, "screenshots")).FullName;

    [ChromiumFact]
    public async Task A_game_offered_by_a_peer_is_downloaded_installed_and_uninstalled_after_a_confirmation()
    {
        await using var lan = await GuiLan.StartSeedersAsync(chromium.Browser, 1, output: output);
        await lan.StartGuiAsync();
        var page = await lan.OpenAsync();
        var row = Row(page, GuiLan.Big);
        await WaitForState(row, "not downloaded");
        Assert.Contains("Battlefield: Bad Company 2", await row.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("1 peer", await page.Locator("[data-testid=peer-count]").InnerTextAsync(), StringComparison.Ordinal);

        await Button(row, "Download").ClickAsync();
        await WaitForState(row, "installed", 120_000);
        Assert.True(File.Exists(Path.Combine(lan.ClientGames, GuiLan.Big, "local", "levels", "level3.fbrb")));

        // Uninstall asks first, in red; Keep leaves everything as it was.
        await Button(row, "Uninstall").ClickAsync();
        var confirm = row.Locator("[data-testid=confirm-uninstall]");
        await confirm.WaitForAsync();
        Assert.Contains("Delete the installed files", await confirm.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("rgb(201, 58, 58)", await confirm.Locator("[data-testid=confirm]").EvaluateAsync<string>("b => getComputedStyle(b).backgroundColor"));
        await Button(row, "Keep").ClickAsync();
        await Button(row, "Uninstall").WaitForAsync();
        Assert.Equal("installed", await row.Locator("[data-testid=state]").InnerTextAsync());
        Assert.True(Directory.Exists(Path.Combine(lan.ClientGames, GuiLan.Big, "local")));

        await Button(row, "Uninstall").ClickAsync();
        await row.Locator("[data-testid=confirm]").ClickAsync();
        await WaitForState(row, "downloaded");
        Assert.False(Directory.Exists(Path.Combine(lan.ClientGames, GuiLan.Big, "local")));
    }

    [ChromiumFact]
    public async Task Settings_submit_on_Enter_drop_a_stale_error_and_refuse_empty_relative_and_missing_directories()
    {
        await using var lan = await GuiLan.StartSeedersAsync(chromium.Browser, 0, output: output);
        await lan.StartGuiAsync();
        var page = await lan.OpenAsync("settings");
        Assert.Equal("gui-client", await page.Locator("[data-testid=peer-name]").InnerTextAsync());
        Assert.Matches("^[A-Z2-7]{52}$", await page.Locator("[data-testid=peer-id]").InnerTextAsync());
        var input = page.Locator("[data-testid=game-dir]");
        var message = page.Locator("[data-testid=dir-message]");

        await input.FillAsync(string.Empty);
        await input.PressAsync("Enter");
        Assert.Equal("Enter a game directory.", await message.InnerTextAsync());

        // Typing makes the old verdict stale: it goes at once.
        await input.PressSequentiallyAsync("games");
        await message.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });
        await input.PressAsync("Enter");
        Assert.StartsWith("Enter a full path", await message.InnerTextAsync(), StringComparison.Ordinal);

        await input.FillAsync(Path.Combine(lan.Temp.Path, "no-such-directory"));
        await input.PressAsync("Enter");
        await page.Locator("[data-testid=dir-message]:has-text('does not exist')").WaitForAsync();
        var text = await message.InnerTextAsync();
        Assert.DoesNotContain("--games", text, StringComparison.Ordinal);
        Assert.Contains("create it first", text, StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "settings-refused.png") });

        var other = lan.Temp.Sub("other-games");
        await input.FillAsync(other);
        await page.Locator("[data-testid=save-dir]").ClickAsync();
        await page.Locator("[data-testid=dir-message].ok").WaitForAsync();
        Assert.Contains(other, await message.InnerTextAsync(), StringComparison.Ordinal);
    }

    [ChromiumFact]
    public async Task Switching_the_game_directory_during_a_download_is_refused_with_a_message()
    {
        await using var lan = await GuiLan.StartSeedersAsync(chromium.Browser, 1, rates: [1_000_000], output: output);
        await lan.StartGuiAsync();
        var page = await lan.OpenAsync();
        var row = Row(page, GuiLan.Big);
        await Button(row, "Download").ClickAsync();
        await WaitForBytesAsync(row); // 16 MB at 1 MB/s: seconds of download left to act in

        var settings = await lan.OpenAsync("settings");
        var input = settings.Locator("[data-testid=game-dir]");
        await input.FillAsync(lan.Temp.Sub("elsewhere"));
        await input.PressAsync("Enter");
        var message = await settings.Locator("[data-testid=dir-message]").InnerTextAsync();
        output.WriteLine(message);
        Assert.Contains("A download of Battlefield: Bad Company 2 is running", message, StringComparison.Ordinal);
        Assert.Equal("downloading", await row.Locator("[data-testid=state]").InnerTextAsync());

        // The download finishes where it started, and the install runs there too.
        lan.Pace(100_000_000);
        await WaitForState(row, "installed", 120_000);
        Assert.True(File.Exists(Path.Combine(lan.ClientGames, GuiLan.Big, "local", "levels", "level0.fbrb")));
        Assert.False(Directory.Exists(Path.Combine(lan.Temp.Path, "elsewhere", GuiLan.Big)));
    }

    [ChromiumFact]
    public async Task Pause_and_Resume_fetch_fewer_bytes_than_a_restart_and_Discard_deletes_the_partial_data()
    {
        await using var lan = await GuiLan.StartSeedersAsync(chromium.Browser, 1, rates: [1_500_000], output: output);
        await lan.StartGuiAsync();
        var page = await lan.OpenAsync();
        var peers = await lan.OpenAsync("peers");
        var row = Row(page, GuiLan.Big);
        var partial = Path.Combine(lan.ClientGames, GuiLan.Big, ".lanspread.partial");

        // Pause, then Discard (asks first): the partial data is gone, nothing else changed.
        await Button(row, "Download").ClickAsync();
        await WaitForMiBAsync(page, 4);
        await Button(row, "Pause").ClickAsync();
        await WaitForState(row, "paused");

        Assert.Matches(@"^\d+\.\d MiB of 15\.3 MiB kept\.", await row.Locator("[data-testid=paused]").InnerTextAsync());
        Assert.True(Directory.Exists(partial));
        await Button(row, "Discard").ClickAsync();
        await row.Locator("[data-testid=confirm-discard] [data-testid=confirm]").ClickAsync();
        await WaitForState(row, "not downloaded");
        Assert.False(Directory.Exists(partial));

        // Start again (the restart a Discard means), pause about a third in, resume: only the rest is fetched.
        await Button(row, "Download").ClickAsync();
        await WaitForMiBAsync(page, 5);
        await Button(row, "Pause").ClickAsync();
        await WaitForState(row, "paused");
        var kept = Size((await row.Locator("[data-testid=paused]").InnerTextAsync()).Split(" of ")[0]);
        var before = await ReceivedAsync(peers);
        lan.Pace(100_000_000);
        await Button(row, "Resume").ClickAsync();
        await WaitForState(row, "installed", 120_000);
        var resumed = await ReceivedAsync(peers) - before;
        var size = Size("15.3 MiB");
        output.WriteLine($"kept {kept / 1048576.0:0.0} MiB, fetched after Resume {resumed / 1048576.0:0.0} MiB of {size / 1048576.0:0.0} MiB");
        Assert.True(kept >= 4 * 1048576, $"kept only {kept} bytes");
        Assert.True(resumed <= size - kept + 1048576, $"Resume fetched {resumed} bytes; a restart fetches {size}, {kept} were kept");
        Assert.False(Directory.Exists(partial));
        Assert.True(File.Exists(Path.Combine(lan.ClientGames, GuiLan.Big, "local", "levels", "level3.fbrb")));
    }

    [ChromiumFact]
    public async Task A_failed_update_keeps_the_installed_version_and_offers_Retry_never_a_plain_Download()
    {
        await using var lan = await GuiLan.StartSeedersAsync(chromium.Browser, 1, rates: [1_000_000], output: output);
        GameFixture.Create(lan.ClientGames, GuiLan.Big, "1", new Dictionary<string, byte[]> { ["game.exe"] = [1] });
        await lan.StartGuiAsync();
        var page = await lan.OpenAsync();
        var row = Row(page, GuiLan.Big);
        await WaitForState(row, "downloaded");
        await Button(row, "Install").ClickAsync();
        await WaitForState(row, "update available");
        Assert.Equal("1 / 20100302", await row.Locator(".version").InnerTextAsync());

        await Button(row, "Update").ClickAsync();
        await WaitForBytesAsync(row);
        lan.Kill(0);
        await WaitForState(row, "failed", 60_000);
        output.WriteLine(await row.Locator("[data-testid=error]").InnerTextAsync());
        Assert.StartsWith("1 / ", await row.Locator(".version").InnerTextAsync(), StringComparison.Ordinal);
        await Button(row, "Retry").WaitForAsync();
        Assert.Equal(0, await Button(row, "Download").CountAsync());
        Assert.Equal("1", File.ReadAllText(Path.Combine(lan.ClientGames, GuiLan.Big, "version.ini")).Trim());
        Assert.Equal([1], File.ReadAllBytes(Path.Combine(lan.ClientGames, GuiLan.Big, "local", "game.exe")));

        // Dismissed, the game is what it was: version 1, installed.
        await Button(row, "Dismiss").ClickAsync();
        await WaitForState(row, "installed");
    }

    [ChromiumFact]
    public async Task A_dead_peer_is_dropped_from_the_serving_list_and_the_Peers_view_at_once()
    {
        // 16 MB over two 1 MB/s links: the download outlives the dead peer's pruning (3 missed 1 s pings) by far.
        await using var lan = await GuiLan.StartSeedersAsync(chromium.Browser, 2, rates: [1_000_000, 1_000_000], output: output);
        await lan.StartGuiAsync(pingInterval: 1);
        var page = await lan.OpenAsync();
        await page.Locator("[data-testid=peer-count]:text-is('2 peers on the LAN')").WaitForAsync();
        var peers = await lan.OpenAsync("peers");
        await peers.Locator("tr[data-peer]").Nth(1).WaitForAsync();
        var row = Row(page, GuiLan.Big);
        await Button(row, "Download").ClickAsync();
        await WaitForBytesAsync(row);
        Assert.Matches("from seeder-(a, seeder-b|b, seeder-a)$", await row.Locator("[data-testid=progress]").InnerTextAsync());

        lan.Kill(1);
        await row.Locator("[data-testid=progress]:not(:has-text('seeder-b'))").WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });
        output.WriteLine(await row.Locator("[data-testid=progress]").InnerTextAsync());
        Assert.Equal("downloading", await row.Locator("[data-testid=state]").InnerTextAsync());
        await peers.Locator("tr[data-peer=seeder-b]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });
        Assert.Equal(["seeder-a"], await peers.Locator("tr[data-peer]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.peer)"));

        lan.Pace(100_000_000);
        await WaitForState(row, "installed", 120_000);
    }

    [ChromiumFact]
    public async Task A_download_whose_only_peer_dies_fails_with_a_message_a_person_can_read_and_a_Retry()
    {
        await using var lan = await GuiLan.StartSeedersAsync(chromium.Browser, 1, output: output);
        await lan.StartGuiAsync();
        var page = await lan.OpenAsync();
        var row = Row(page, GuiLan.Big);
        await Button(row, "Download").ClickAsync();
        await WaitForBytesAsync(row);
        lan.Kill(0);
        await WaitForState(row, "failed", 60_000);
        var error = await row.Locator("[data-testid=error]").InnerTextAsync();
        output.WriteLine(error);
        Assert.DoesNotContain("chunks", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", error, StringComparison.Ordinal);
        Assert.DoesNotContain("--", error, StringComparison.Ordinal);

        // Nobody offers it now: Retry is there but says why it cannot run.
        var retry = Button(row, "Retry");
        await row.Locator("button:text-is('Retry'):disabled").WaitForAsync(new LocatorWaitForOptions { Timeout = 15_000 });
        Assert.Equal("No peer offers this game right now", await retry.GetAttributeAsync("title"));
        await Button(row, "Dismiss").ClickAsync();
        await WaitForState(row, "not available");
    }

    [ChromiumFact]
    public async Task A_failed_install_offers_Retry_survives_a_reload_and_clears_when_the_archive_is_fixed()
    {
        await using var lan = await GuiLan.StartSeedersAsync(chromium.Browser, 0, output: output);
        var root = Path.Combine(lan.ClientGames, GuiLan.Big);
        Directory.CreateDirectory(root);
        File.WriteAllBytes(Path.Combine(root, $"{GuiLan.Big}.eti"), GameFixture.Bytes(100_000, 7)); // not a RAR archive
        File.WriteAllText(Path.Combine(root, "version.ini"), "1\n");
        await lan.StartGuiAsync();
        var page = await lan.OpenAsync();
        var row = Row(page, GuiLan.Big);
        await WaitForState(row, "downloaded");
        await Button(row, "Install").ClickAsync();
        await WaitForState(row, "failed");
        var error = await row.Locator("[data-testid=error]").InnerTextAsync();
        output.WriteLine(error);
        Assert.DoesNotContain("Exception", error, StringComparison.Ordinal);

        await page.ReloadAsync();
        row = Row(page, GuiLan.Big);
        await WaitForState(row, "failed");
        await Button(row, "Retry").WaitForAsync();

        GameFixture.WriteArchive(Path.Combine(root, $"{GuiLan.Big}.eti"), new Dictionary<string, byte[]> { ["game.exe"] = [1, 2, 3] });
        await Button(row, "Retry").ClickAsync();
        await WaitForState(row, "installed");
        Assert.Equal([1, 2, 3], File.ReadAllBytes(Path.Combine(root, "local", "game.exe")));
        Assert.Equal(0, await row.Locator("[data-testid=error]").CountAsync());
    }

    [ChromiumFact]
    public async Task Installed_files_without_a_version_offer_Download_again_and_uncatalogued_games_are_marked()
    {
        await using var lan = await GuiLan.StartSeedersAsync(chromium.Browser, 1, output: output);

        // What a GUI killed during an update leaves: the installed files, no downloaded version.
        Directory.CreateDirectory(Path.Combine(lan.ClientGames, GuiLan.Big, "local"));
        File.WriteAllBytes(Path.Combine(lan.ClientGames, GuiLan.Big, "local", "game.exe"), [1]);
        GameFixture.Create(lan.ClientGames, "myhomebrew", "3", new Dictionary<string, byte[]> { ["run.exe"] = [1] });
        await lan.StartGuiAsync();
        var page = await lan.OpenAsync();
        var row = Row(page, GuiLan.Big);
        await WaitForState(row, "download interrupted");
        await Button(row, "Download again").WaitForAsync();
        await Button(row, "Uninstall").WaitForAsync();

        var homebrew = Row(page, "myhomebrew");
        await WaitForState(homebrew, "not in the catalog");
        Assert.Contains("--catalog FILE", await homebrew.Locator("[data-testid=catalog-hint]").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await homebrew.Locator("button").CountAsync());

        await Button(row, "Download again").ClickAsync();
        await WaitForState(row, "installed", 120_000);
        Assert.Equal("20100302 / 20100302", await row.Locator(".version").InnerTextAsync());
    }

    [ChromiumFact]
    public async Task Every_page_fits_400_px_without_horizontal_scrolling()
    {
        // A download runs (slowly) throughout, so the widest state of each page is measured: progress, chart, peers.
        await using var lan = await GuiLan.StartSeedersAsync(chromium.Browser, 1, rates: [500_000], output: output);
        GameFixture.Create(lan.ClientGames, "myhomebrew-with-a-rather-long-identifier", "3", new Dictionary<string, byte[]> { ["run.exe"] = [1] });
        await lan.StartGuiAsync();
        var page = await lan.OpenAsync(width: 400, height: 800);
        var row = Row(page, GuiLan.Big);
        await WaitForState(row, "not downloaded");
        await Button(row, "Download").ClickAsync();
        await WaitForBytesAsync(row);
        foreach (var path in new[] { string.Empty, "peers", "settings", $"games/{GuiLan.Big}", "games/no-such-game" })
        {
            await page.GotoAsync($"{lan.Url}/{path}");
            await page.Locator("h1").WaitForAsync();
            await page.Locator("[data-testid=peer-count]:text-is('1 peer on the LAN')").WaitForAsync();
            var width = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
            output.WriteLine($"/{path}: scrollWidth {width}");
            Assert.True(width <= 400, $"/{path} is {width} px wide at a 400 px viewport");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, $"narrow-{(path.Length == 0 ? "library" : path.Replace('/', '-'))}.png"), FullPage = true });
        }
    }

    [ChromiumFact]
    public async Task A_start_error_says_what_to_do_with_a_visible_link_to_Settings()
    {
        await using var lan = await GuiLan.StartSeedersAsync(chromium.Browser, 0, output: output);
        await lan.StartGuiAsync(["--games", Path.Combine(lan.Temp.Path, "missing")]);
        var page = await lan.OpenAsync();
        var banner = page.Locator("[data-testid=start-error]");
        await banner.WaitForAsync();
        Assert.DoesNotContain("--games", await banner.InnerTextAsync(), StringComparison.Ordinal);
        var link = banner.Locator("a.button");
        Assert.Equal("rgb(47, 111, 237)", await link.EvaluateAsync<string>("a => getComputedStyle(a).backgroundColor"));
        await link.ClickAsync();
        await page.Locator("[data-testid=game-dir]").WaitForAsync();
    }

    [ChromiumFact]
    public async Task A_busy_peer_port_is_retried_then_another_is_used_and_the_page_says_so()
    {
        await using var lan = await GuiLan.StartSeedersAsync(chromium.Browser, 0, output: output);
        using var squatter = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        squatter.Start();
        var busy = ((System.Net.IPEndPoint)squatter.LocalEndpoint).Port;
        await lan.StartGuiAsync(["--listen", $"127.0.0.1:{busy}"]);
        var page = await lan.OpenAsync();
        var banner = await page.Locator("[data-testid=listen-banner]").InnerTextAsync();
        output.WriteLine(banner);
        Assert.StartsWith($"Port {busy} was in use", banner, StringComparison.Ordinal);
        await page.GotoAsync($"{lan.Url}/settings");
        await page.Locator("[data-testid=listen-notice]").WaitForAsync();
        Assert.Contains("gui-client", await page.Locator("[data-testid=peer-name]").InnerTextAsync(), StringComparison.Ordinal);
    }

    [ChromiumFact]
    public async Task SIGTERM_with_an_open_tab_and_an_active_download_exits_within_2_seconds_and_the_tab_says_so_readably()
    {
        await using var lan = await GuiLan.StartSeedersAsync(chromium.Browser, 1, rates: [1_000_000], output: output);
        await lan.StartGuiAsync();
        var page = await lan.OpenAsync();
        var row = Row(page, GuiLan.Big);
        await Button(row, "Download").ClickAsync();
        await WaitForBytesAsync(row);
        lan.Freeze(0); // the download stays active: a transfer blocked on a silent peer (pruned only after 6 s)
        try
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            lan.Gui!.Signal("TERM");
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await lan.Gui.Process.WaitForExitAsync(deadline.Token);
            watch.Stop();
            output.WriteLine($"exited {lan.Gui.Process.ExitCode} after {watch.Elapsed.TotalSeconds:0.00} s");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.Elapsed.TotalSeconds:0.00} s");
        }
        finally
        {
            lan.Thaw(0);
        }

        var box = page.Locator("#components-reconnect-modal .reconnect-box");
        await box.WaitForAsync(new LocatorWaitForOptions { Timeout = 20_000 });
        Assert.Equal("rgb(29, 26, 16)", await box.EvaluateAsync<string>("b => getComputedStyle(b).color"));
        Assert.Equal("rgb(255, 241, 199)", await box.EvaluateAsync<string>("b => getComputedStyle(b).backgroundColor"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "reconnect.png") });
    }

    private static Task WaitForMiBAsync(IPage page, double mib) => page.WaitForFunctionAsync(
        "mib => { const t = document.querySelector(\"tr[data-game='bfbc2'] [data-testid=progress]\")?.textContent ?? ''; const m = t.match(/([\\d.]+) MiB of/); return m && parseFloat(m[1]) >= mib; }",
        mib,
        new PageWaitForFunctionOptions { Timeout = 60_000 });

    private static async Task<long> ReceivedAsync(IPage peers) => (await peers.Locator("[data-testid=received]").AllInnerTextsAsync()).Sum(Size);

    /// <summary>Parses the page's sizes ("15.3 MiB", "512.0 KiB", "7 B").</summary>
    private static long Size(string text)
    {
        var parts = text.Trim().Split(' ');
        var value = double.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
        return (long)(value * parts[1] switch { "GiB" => 1L << 30, "MiB" => 1L << 20, "KiB" => 1L << 10, _ => 1 });
    }

    internal static ILocator Row(IPage page, string game) => page.Locator($"tr[data-game='{game}']");

    internal static ILocator Button(ILocator row, string text) => row.Locator($"button:text-is('{text}')");

    internal static Task WaitForState(ILocator row, string state, float timeout = 30_000) =>
        row.Locator($"[data-testid=state]:text-is('{state}')").WaitForAsync(new LocatorWaitForOptions { Timeout = timeout });

    /// <summary>Until the row shows bytes moving (the download is under way, not just asked for).</summary>
    internal static Task WaitForBytesAsync(ILocator row) =>
        row.Locator("[data-testid=progress]:not(:text-matches('^0 B'))").WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
}
