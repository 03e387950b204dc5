using LanSpread.Core.Model;

namespace LanSpread.Cli.Output;

/// <summary>What <c>lanspread list</c> prints: <c>{gameDirectory, peers, games, notes}</c>.</summary>
internal sealed record ListOutput(string GameDirectory, IReadOnlyList<PeerRef> Peers, IReadOnlyList<Game> Games, IReadOnlyList<string> Notes);
