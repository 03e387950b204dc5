using LanSpread.Core.Model;

namespace LanSpread.Peer.Peers;

/// <summary>
/// What a peer offers at one revision, gathered over every page of its ListGames answers: the whole
/// list, or (<see cref="Delta"/>) only what changed since the revision asked about.
/// </summary>
public sealed record GameListing(long Revision, bool Delta, IReadOnlyList<GameSummary> Games, IReadOnlyList<string> Removed);
