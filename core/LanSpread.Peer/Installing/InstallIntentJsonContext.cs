using System.Text.Json;
using System.Text.Json.Serialization;

namespace LanSpread.Peer.Installing;

/// <summary>Source-generated JSON for the intent log: written several times by every short-lived <c>install</c> process.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(InstallIntent))]
internal sealed partial class InstallIntentJsonContext : JsonSerializerContext;
