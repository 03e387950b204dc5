using System.Text.Json;
using System.Text.Json.Serialization;
using LanSpread.Core.Model;

namespace LanSpread.Peer.Library;

/// <summary>
/// The titles LanSpread knows: the bundled catalog (an embedded resource) optionally extended or
/// replaced by a user file (<c>{"replace": false, "games": [...]}</c>). Only catalog games are
/// announced and served; other roots are reported, never touched.
/// </summary>
public sealed partial class GameCatalog
{
    private readonly Dictionary<string, CatalogEntry> _entries;

    private GameCatalog(IEnumerable<CatalogEntry> entries) =>
        _entries = entries.ToDictionary(e => e.Id, StringComparer.Ordinal);

    public IReadOnlyCollection<CatalogEntry> Entries => _entries.Values;

    public bool Contains(string id) => _entries.ContainsKey(id);

    public CatalogEntry? Find(string id) => _entries.GetValueOrDefault(id);

    /// <summary>The bundled catalog.</summary>
    public static GameCatalog LoadBundled()
    {
        using var stream = typeof(GameCatalog).Assembly.GetManifestResourceStream("LanSpread.Peer.catalog.json")
            ?? throw new InvalidOperationException("the bundled catalog resource is missing from LanSpread.Peer");
        return new GameCatalog(Parse(stream, "bundled catalog").Games);
    }

    /// <summary>The bundled catalog extended (or replaced, with <c>"replace": true</c>) by a user file.</summary>
    public static GameCatalog Load(string? overrideFile)
    {
        var bundled = LoadBundled();
        if (overrideFile is null)
        {
            return bundled;
        }

        if (!File.Exists(overrideFile))
        {
            throw new CatalogException($"catalog file '{overrideFile}' does not exist");
        }

        CatalogFile file;
        using (var stream = File.OpenRead(overrideFile))
        {
            file = Parse(stream, overrideFile);
        }

        if (file.Replace)
        {
            return new GameCatalog(file.Games);
        }

        var merged = new Dictionary<string, CatalogEntry>(bundled._entries, StringComparer.Ordinal);
        foreach (var entry in file.Games)
        {
            merged[entry.Id] = entry;
        }

        return new GameCatalog(merged.Values);
    }

    public static GameCatalog From(IEnumerable<CatalogEntry> entries) => new(entries);

    private static CatalogFile Parse(Stream stream, string source)
    {
        CatalogFile? file;
        try
        {
            file = JsonSerializer.Deserialize(stream, CatalogJsonContext.Default.CatalogFile);
        }
        catch (JsonException ex)
        {
            throw new CatalogException($"{source}: not valid catalog JSON ({ex.Message})");
        }

        if (file?.Games is null)
        {
            throw new CatalogException($"{source}: expected an object with a \"games\" array");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < file.Games.Count; i++)
        {
            var game = file.Games[i];
            if (game is null || string.IsNullOrWhiteSpace(game.Id) || string.IsNullOrWhiteSpace(game.Name))
            {
                throw new CatalogException($"{source}: games[{i}] needs an \"id\" and a \"name\"");
            }

            if (GameId.Problem(game.Id) is { } problem)
            {
                throw new CatalogException($"{source}: games[{i}].id '{GameId.Printable(game.Id)}' is not a valid game id: {problem}");
            }

            if (!seen.Add(game.Id))
            {
                throw new CatalogException($"{source}: game id '{game.Id}' appears twice");
            }
        }

        return file with { Games = file.Games.Select(g => g with { Description = g.Description ?? string.Empty, Genre = g.Genre ?? string.Empty }).ToList() };
    }

    private sealed record CatalogFile(
        [property: JsonPropertyName("replace")] bool Replace,
        [property: JsonPropertyName("games")] List<CatalogEntry> Games);

    // Source-generated: every CLI verb loads the catalog, and reflection-based JSON costs tens of
    // milliseconds of start-up (docs/BENCHMARKS.md, `lanspread list`).
    [JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
    [JsonSerializable(typeof(CatalogFile))]
    private sealed partial class CatalogJsonContext : JsonSerializerContext;
}
