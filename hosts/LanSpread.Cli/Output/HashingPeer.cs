using LanSpread.Core.Model;

namespace LanSpread.Cli.Output;

/// <summary>A peer still hashing its library, in <c>list --remote</c>: the games it has but lists only once hashed.</summary>
internal sealed record HashingPeer(string Name, PeerId PeerId, IReadOnlyList<string> Games);
