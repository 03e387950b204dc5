using LanSpread.Core.Model;

namespace LanSpread.Peer.Peers;

/// <summary>
/// What a peer offers at one revision, gathered over every page of its ListGames answers: the whole
/// list, or (<see cref="Delta"/>) only what changed since the revision asked about. <see cref="Hashing"/>
/// names the games the peer has but still hashes (listed once their manifest is ready).
/// </summary>
public sealed record GameListing(long Revision, bool Delta, IReadOnlyList<GameSummary> Games, IReadOnlyList<string> Removed, IReadOnlyList<string> Hashing);
