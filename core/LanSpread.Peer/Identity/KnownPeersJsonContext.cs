using System.Text.Json.Serialization;

namespace LanSpread.Peer.Identity;

/// <summary>
/// Source-generated JSON for the known-peers file: it is read at every peer start, and reflection-based
/// metadata would cost a few hundred JIT compilations there (docs/BENCHMARKS.md, S1).
/// </summary>
[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(List<KnownPeer>))]
internal sealed partial class KnownPeersJsonContext : JsonSerializerContext;
