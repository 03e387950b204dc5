namespace LanSpread.Core.Model;

/// <summary>A title the catalog knows. Only games in the catalog are announced and served.</summary>
/// <param name="Id">The game id, also the name of its game root.</param>
/// <param name="Name">The display name.</param>
/// <param name="Description">A one-paragraph description.</param>
/// <param name="Genre">The genre.</param>
/// <param name="MaxPlayers">Maximum players in one match.</param>
/// <param name="ReleaseYear">Year of release, when known.</param>
public sealed record CatalogEntry(string Id, string Name, string Description, string Genre, int MaxPlayers, int? ReleaseYear = null);
