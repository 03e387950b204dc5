using System.Text.Json.Serialization;

namespace LanSpread.Peer.Composition;

/// <summary>Source-generated reader of <c>plugin.json</c>: every host start reads one per plugin, reflection-based JSON costs start-up time.</summary>
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(PluginManifest))]
internal sealed partial class PluginManifestJsonContext : JsonSerializerContext;
