using LanSpread.TestKit;
using Microsoft.Playwright;
using Xunit;
using Xunit.Abstractions;

namespace LanSpread.Gui.Tests;

/// <summary>
/// A download from two seeders behind paced links (3 and 6 MB/s): the Peers view lists both with their
/// rates, the chart draws stacked points while the download runs, the game page shows who offers what.
/// Also makes the README's screenshots (docs/images/ is refreshed from screenshots/ by hand).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ShapedDownloadTests(ChromiumFixture chromium, ITestOutputHelper output)
{
    private static string Screenshots => Directory.CreateDirectory(Path.Combine(Repo.Output, "screenshots")).FullName;

    [ChromiumFact]
    public async Task Peers_view_lists_both_seeders_with_rates_and_the_chart_draws_points_during_the_download()
    {
        await using var lan = await GuiLan.StartSeedersAsync(chromium.Browser, 2, fileBytes: 8_000_000, rates: [3_000_000, 6_000_000], output: output);
        await lan.StartGuiAsync();
        var page = await lan.OpenAsync();
        await page.Locator("[data-testid=peer-count]:text-is('2 peers on the LAN')").WaitForAsync();
        var peers = await lan.OpenAsync("peers");
        await peers.Locator("tr[data-peer]").Nth(1).WaitForAsync();
        Assert.Equal(["seeder-a", "seeder-b"], await peers.Locator("tr[data-peer]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.peer)"));
        var first = peers.Locator("tr[data-peer=seeder-a]");
        Assert.Contains("added by address", await first.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("2 complete", await first.Locator("[data-testid=games]").InnerTextAsync());
        Assert.Matches("^[A-Z2-7]{7}$", await first.Locator("td.mono").First.InnerTextAsync());

        var row = BrowserTests.Row(page, GuiLan.Big);
        await BrowserTests.Button(row, "Download").ClickAsync();
        await BrowserTests.WaitForBytesAsync(row);

        // The install streams behind the download (issue 22): its bar shows under the download's, in the same row.
        await row.Locator("[data-testid=install-progress]").WaitForAsync(new LocatorWaitForOptions { Timeout = 20_000 });
        Assert.True(await row.Locator("[data-testid=progress]").IsVisibleAsync(), "the download's bar is still shown beside the install's");

        // Both peers send: their rates show on the Peers view (live, no reload).
        foreach (var name in new[] { "seeder-a", "seeder-b" })
        {
            await peers.Locator($"tr[data-peer={name}] [data-testid=rate]:not(:text-is('0 B/s'))").WaitForAsync(new LocatorWaitForOptions { Timeout = 20_000 });
        }

        var rates = await peers.Locator("[data-testid=rate]").AllInnerTextsAsync();
        output.WriteLine($"rates: {string.Join(", ", rates)}");

        // The chart gains points while the download runs; each peer is a stacked layer.
        var chart = page.Locator($"[data-testid=chart][data-game={GuiLan.Big}]");
        await chart.WaitForAsync();
        var before = await PointsAsync(chart);
        await page.WaitForFunctionAsync(
            "([game, n]) => { const p = document.querySelector(`[data-testid=chart][data-game=${game}] polygon`); return p && p.points.length / 2 > n; }",
            new object[] { GuiLan.Big, before });
        var layers = await chart.Locator("polygon.layer").EvaluateAllAsync<string[]>("ps => ps.map(p => p.dataset.peer)");
        Assert.Equal(["seeder-a", "seeder-b"], layers);
        var top = await chart.Locator("polygon.layer").Last.EvaluateAsync<double>("p => Math.min(...Array.from(p.points).map(q => q.y))");
        Assert.True(top < 100, $"the stacked area reaches y={top} of 120: nothing drawn above the baseline");
        output.WriteLine($"chart points per layer: before {before}, then {await PointsAsync(chart)}");

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "gui-downloading.png") });
        await peers.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "gui-peers.png") });
        var detail = await lan.OpenAsync($"games/{GuiLan.Big}");
        await detail.Locator("[data-testid=offers] tr[data-peer]").Nth(1).WaitForAsync();
        await detail.Locator("[data-testid=chart]").WaitForAsync();
        await detail.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, "gui-game.png"), FullPage = true });

        await BrowserTests.WaitForState(row, "installed", 120_000);
        var received = await peers.Locator("[data-testid=received]").AllInnerTextsAsync();
        output.WriteLine($"received: {string.Join(", ", received)}");
        Assert.All(received, r => Assert.DoesNotMatch("^0 B$", r));
    }

    // Half the polygon's points are its upper edge: one per sample.
    private static async Task<int> PointsAsync(ILocator chart) =>
        await chart.Locator("polygon.layer").First.EvaluateAsync<int>("p => p.points.length / 2");
}
