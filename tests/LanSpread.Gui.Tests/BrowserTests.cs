using LanSpread.TestKit;
using Microsoft.Playwright;
using Xunit;
using Xunit.Abstractions;

namespace LanSpread.Gui.Tests;

/// <summary>
/// End to end in a real browser: Playwright drives Debian's Chromium against the real GUI process,
/// while a real <c>lanspread serve</c> process offers a game. Screenshots of the main states are
/// saved under the test output (screenshots/).
/// </summary>
public sealed class BrowserTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TempDir _temp = new();
    private readonly List<CliProcess> _processes = [];
    private System.Diagnostics.Process? _gui;
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private string _url = string.Empty;

    private static string Screenshots => Path.Combine(Repo.Output, "screenshots");

    public async Task InitializeAsync()
    {
        var seedGames = _temp.Sub("seed-games");
        GameFixture.Create(seedGames, "bfbc2", "20100302", Enumerable.Range(0, 4).ToDictionary(i => $"levels/level{i}.fbrb", i => GameFixture.Bytes(40_000_000, i)));
        GameFixture.Create(seedGames, "cs16", "1.6", new Dictionary<string, byte[]> { ["hl.exe"] = [1] });
        var port = Ports.Free();
        var seeder = CliProcess.Start(["serve", "--games", seedGames, "--data", _temp.Sub("seed-data"), "--name", "seeder", "--listen", $"127.0.0.1:{port}", "--no-mdns"]);
        _processes.Add(seeder);
        await seeder.WaitForStderrAsync("serving", TimeSpan.FromSeconds(30));

        var webPort = Ports.Free();
        _url = $"http://127.0.0.1:{webPort}";
        _gui = GuiProcess.Start(["--urls", _url, "--games", _temp.Sub("client-games"), "--data", _temp.Sub("client-data"), "--name", "gui-client",
            "--listen", "127.0.0.1:0", "--peer", $"127.0.0.1:{port}", "--no-mdns", "--chunk-size", "64K"]);
        await GuiProcess.WaitUntilUpAsync(_url, _gui, TimeSpan.FromSeconds(60));

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        Directory.CreateDirectory(Screenshots);
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_gui is { HasExited: false })
        {
            _gui.Kill(entireProcessTree: true);
        }

        _gui?.Dispose();
        foreach (var process in _processes)
        {
            process.Dispose();
        }

        _temp.Dispose();
    }

    [ChromiumFact]
    public async Task A_game_offered_by_a_peer_is_downloaded_installed_and_uninstalled_from_the_page()
    {
        var page = await _browser!.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 640 } });
        await page.GotoAsync(_url);
        var row = page.Locator("tr[data-game=bfbc2]");
        await WaitForState(row, "not downloaded");
        Assert.Contains("Battlefield: Bad Company 2", await row.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("1 peer", await page.Locator("[data-testid=peer-count]").InnerTextAsync(), StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "1-library.png") });

        await row.Locator("button", new LocatorLocatorOptions { HasText = "Download" }).ClickAsync();
        await row.Locator("[data-testid=progress]").WaitForAsync(new LocatorWaitForOptions { Timeout = 20_000 });
        var progress = await row.Locator("[data-testid=progress]").InnerTextAsync();
        for (var i = 0; i < 40 && progress.StartsWith("0 B", StringComparison.Ordinal); i++)
        {
            // Best effort: catch a frame with bytes moving for the screenshot (a fast machine may finish first).
            await Task.Delay(50);
            progress = await row.Locator("[data-testid=progress]").InnerTextAsync(new LocatorInnerTextOptions { Timeout = 1000 }).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : progress, TaskScheduler.Default);
        }

        output.WriteLine($"progress shown: {progress}");
        Assert.Contains("from seeder", progress, StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "2-downloading.png") });

        await WaitForState(row, "installed", 120_000);
        Assert.True(File.Exists(Path.Combine(_temp.Path, "client-games", "bfbc2", "local", "levels", "level3.fbrb")));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "3-installed.png") });

        await row.Locator("button", new LocatorLocatorOptions { HasText = "Uninstall" }).ClickAsync();
        await WaitForState(row, "downloaded");
        Assert.False(Directory.Exists(Path.Combine(_temp.Path, "client-games", "bfbc2", "local")));
    }

    [ChromiumFact]
    public async Task An_invalid_game_directory_is_refused_with_the_reason()
    {
        var page = await _browser!.NewPageAsync();
        await page.GotoAsync($"{_url}/settings");
        await page.Locator("[data-testid=peer-name]").WaitForAsync();
        Assert.Equal("gui-client", await page.Locator("[data-testid=peer-name]").InnerTextAsync());
        var input = page.Locator("[data-testid=game-dir]");
        await input.FillAsync(Path.Combine(_temp.Path, "no-such-directory"));
        await page.Locator("[data-testid=save-dir]").ClickAsync();
        var message = page.Locator("[data-testid=dir-message]");
        await message.WaitForAsync();
        Assert.Contains("does not exist", await message.InnerTextAsync(), StringComparison.Ordinal);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "4-settings-refused.png") });

        await input.FillAsync(_temp.Sub("other-games"));
        await page.Locator("[data-testid=save-dir]").ClickAsync();
        await page.Locator("[data-testid=dir-message].ok").WaitForAsync();
    }

    private static Task WaitForState(ILocator row, string state, float timeout = 30_000) =>
        row.Locator($"[data-testid=state]:text-is('{state}')").WaitForAsync(new LocatorWaitForOptions { Timeout = timeout });
}
