using LanSpread.Peer.Library;
using LanSpread.TestKit;
using Xunit;

namespace LanSpread.Peer.Tests.Library;

public sealed class CatalogTests
{
    [Fact]
    public void The_bundled_catalog_has_the_scenario_titles()
    {
        var catalog = GameCatalog.LoadBundled();
        Assert.Equal("Alien Swarm", catalog.Find("alienswarm")!.Name);
        Assert.Equal("Battlefield: Bad Company 2", catalog.Find("bfbc2")!.Name);
        Assert.True(catalog.Entries.Count >= 10);
        Assert.All(catalog.Entries, e => Assert.True(e.MaxPlayers > 0 && e.Description.Length > 0));
    }

    [Fact]
    public void A_user_catalog_extends_or_replaces_the_bundled_one()
    {
        using var temp = new TempDir();
        var extend = Path.Combine(temp.Path, "extend.json");
        File.WriteAllText(extend, """{ "games": [ { "id": "homebrew", "name": "Homebrew", "maxPlayers": 2 }, { "id": "bfbc2", "name": "BC2 (ours)", "maxPlayers": 24 } ] }""");
        var extended = GameCatalog.Load(extend);
        Assert.True(extended.Contains("homebrew"));
        Assert.True(extended.Contains("alienswarm"));
        Assert.Equal("BC2 (ours)", extended.Find("bfbc2")!.Name);

        var replace = Path.Combine(temp.Path, "replace.json");
        File.WriteAllText(replace, """{ "replace": true, "games": [ { "id": "homebrew", "name": "Homebrew", "maxPlayers": 2 } ] }""");
        var replaced = GameCatalog.Load(replace);
        Assert.Equal(["homebrew"], replaced.Entries.Select(e => e.Id));
    }

    [Theory]
    [InlineData("{ nope", "not valid catalog JSON")]
    [InlineData("[]", "not valid catalog JSON")]
    [InlineData("""{ "games": null }""", "\"games\" array")]
    [InlineData("""{ "games": [ { "name": "x" } ] }""", "games[0] needs an \"id\"")]
    [InlineData("""{ "games": [ { "id": "../etc", "name": "x" } ] }""", "not a valid game id")]
    [InlineData("""{ "games": [ { "id": "a", "name": "x" }, { "id": "a", "name": "y" } ] }""", "appears twice")]
    public void A_bad_catalog_file_is_refused_with_a_clear_error(string json, string message)
    {
        using var temp = new TempDir();
        var file = Path.Combine(temp.Path, "catalog.json");
        File.WriteAllText(file, json);
        var error = Assert.Throws<CatalogException>(() => GameCatalog.Load(file));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Contains("catalog.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_catalog_file_is_refused()
    {
        var error = Assert.Throws<CatalogException>(() => GameCatalog.Load("/nonexistent/catalog.json"));
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }
}
