using System.Collections.Immutable;

namespace LanSpread.Core.Model;

/// <summary>An immutable snapshot of the local library, keyed by game id.</summary>
public sealed class GameDB
{
    /// <summary>An empty library.</summary>
    public static GameDB Empty { get; } = new(ImmutableDictionary<string, LocalGame>.Empty);

    private GameDB(ImmutableDictionary<string, LocalGame> games) => Games = games;

    /// <summary>The games by id.</summary>
    public ImmutableDictionary<string, LocalGame> Games { get; }

    /// <summary>Builds a snapshot from a list of games.</summary>
    /// <param name="games">The games; ids must be unique.</param>
    public static GameDB From(IEnumerable<LocalGame> games) =>
        new(games.ToImmutableDictionary(g => g.Id, StringComparer.Ordinal));

    /// <summary>Returns a snapshot with one game added, replaced or (when null) removed.</summary>
    /// <param name="id">The game id.</param>
    /// <param name="game">The new state, or null to remove.</param>
    public GameDB With(string id, LocalGame? game) =>
        new(game is null ? Games.Remove(id) : Games.SetItem(id, game));

    /// <summary>Looks a game up.</summary>
    /// <param name="id">The game id.</param>
    public LocalGame? Find(string id) => Games.GetValueOrDefault(id);
}
