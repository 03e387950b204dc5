using System.Text.Json;
using LanSpread.TestKit;
using Microsoft.Playwright;
using Xunit;
using Xunit.Abstractions;

namespace LanSpread.Gui.Tests;

/// <summary>
/// Issue 21: a library of 2,000 catalogued game roots in the real GUI process, in Chromium. The rows
/// are virtualised: the page holds only the rows around the viewport (so rendering, scrolling and every
/// snapshot update cost the same as for a small library), the scrollbar covers all 2,000, and scrolling
/// anywhere shows the titles there, each a working row.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class LargeLibraryTests(ChromiumFixture chromium, ITestOutputHelper output)
{
    private const int Titles = 2000;

    // Far fewer than the titles: a page holding more rendered rows than this is not virtualising.
    private const int MostRowsInPage = 80;

    [ChromiumFact]
    public async Task Two_thousand_titles_render_as_a_virtualised_list_that_scrolls_to_any_title()
    {
        await using var lan = await GuiLan.StartSeedersAsync(chromium.Browser, 0, output: output);
        var ids = Enumerable.Range(0, Titles).Select(i => $"title{i:D4}").ToList();
        // One small real archive, written once and copied into every root (2,000 RAR writes would
        // dominate the test's time, not the GUI's).
        var archive = Path.Combine(lan.Temp.Path, "template.eti");
        GameFixture.WriteArchive(archive, new Dictionary<string, byte[]> { ["game.bin"] = GameFixture.Bytes(64, 1) });
        foreach (var id in ids)
        {
            var root = Directory.CreateDirectory(Path.Combine(lan.ClientGames, id)).FullName;
            File.Copy(archive, Path.Combine(root, id + ".eti"));
            File.WriteAllText(Path.Combine(root, "version.ini"), "1\n");
        }

        var catalog = Path.Combine(lan.Temp.Path, "catalog.json");
        File.WriteAllText(catalog, JsonSerializer.Serialize(new
        {
            replace = false,
            games = ids.Select(id => new { id, name = $"Title {id[5..]}", description = "", genre = "", maxPlayers = 8 }),
        }));
        await lan.StartGuiAsync(["--catalog", catalog]);
        var page = await lan.OpenAsync();

        await page.Locator($"[data-testid=library-rows][data-total='{Titles}']").WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        await BrowserTests.Row(page, ids[0]).WaitForAsync();
        var rendered = await RenderedRowsAsync(page);
        output.WriteLine($"{Titles} titles: {rendered} rows in the page at the top");
        Assert.InRange(rendered, 1, MostRowsInPage);
        // The spacers stand in for the rest, so the page scrolls as far as 2,000 rows would reach.
        var height = await page.EvaluateAsync<double>("() => document.documentElement.scrollHeight");
        Assert.True(height > Titles * 20, $"the page is {height:0} px high: the scrollbar does not cover {Titles} rows");

        // The end of the list: the last title appears, with its state and its actions.
        await page.EvaluateAsync("() => window.scrollTo(0, document.documentElement.scrollHeight)");
        var last = BrowserTests.Row(page, ids[^1]);
        await last.WaitForAsync();
        Assert.Contains("Title 1999", await last.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("downloaded", await last.Locator("[data-testid=state]").InnerTextAsync());
        Assert.InRange(await RenderedRowsAsync(page), 1, MostRowsInPage);
        Assert.Equal(0, await BrowserTests.Row(page, ids[0]).CountAsync());

        // The middle: the titles there replace the ones at the end.
        await page.EvaluateAsync("() => window.scrollTo(0, document.documentElement.scrollHeight / 2)");
        await page.Locator("tr[data-game^='title09'], tr[data-game^='title10']").First.WaitForAsync();
        await BrowserTests.Row(page, ids[^1]).WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });
        Assert.InRange(await RenderedRowsAsync(page), 1, MostRowsInPage);

        // A row found by scrolling is a working row: its title opens the game's page.
        var middle = page.Locator("tr[data-game^='title09'], tr[data-game^='title10']").First;
        var found = await middle.GetAttributeAsync("data-game");
        await middle.Locator("a.name").ClickAsync();
        await page.WaitForURLAsync($"**/games/{found}");
    }

    private static Task<int> RenderedRowsAsync(IPage page) => page.Locator("tr[data-game]").CountAsync();
}
