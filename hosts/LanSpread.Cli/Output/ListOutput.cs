using LanSpread.Core.Model;

namespace LanSpread.Cli.Output;

/// <summary>
/// What <c>lanspread list</c> prints: <c>{gameDirectory, peers, games, notes, hashing}</c>; <c>hashing</c>
/// (with --remote) names the peers still hashing their library and the games they will list once hashed.
/// </summary>
internal sealed record ListOutput(string GameDirectory, IReadOnlyList<PeerRef> Peers, IReadOnlyList<Game> Games, IReadOnlyList<string> Notes, IReadOnlyList<HashingPeer> Hashing);
