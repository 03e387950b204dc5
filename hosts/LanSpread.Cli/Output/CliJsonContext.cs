using System.Text.Json;
using System.Text.Json.Serialization;
using LanSpread.Core.Commands;
using LanSpread.Core.Events;
using LanSpread.Core.Model;

namespace LanSpread.Cli.Output;

/// <summary>
/// Source-generated JSON for everything the CLI prints or reads on stdin. Without it System.Text.Json
/// builds its metadata by reflection on first use: ~200 JIT compilations in a `list`, far more in a
/// `get` (one converter per event type), which ReadyToRun cannot precompile (docs/BENCHMARKS.md, S1).
/// Web defaults (camelCase names) as before; enums as camelCase strings.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, Converters = [typeof(InstallModeJsonConverter)])]
[JsonSerializable(typeof(PeerEvent))]
[JsonSerializable(typeof(PeerCommand))]
[JsonSerializable(typeof(ListOutput))]
[JsonSerializable(typeof(PluginRow))]
[JsonSerializable(typeof(KnownPeerRow))]
[JsonSerializable(typeof(CatalogEntry))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
