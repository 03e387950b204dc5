using System.Text.Json.Serialization;

namespace LanSpread.Peer.Protocol;

/// <summary>Source-generated (reflection-free, trimming-safe) JSON for the wire types.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault)]
[JsonSerializable(typeof(Request))]
[JsonSerializable(typeof(Response))]
internal sealed partial class ProtocolJsonContext : JsonSerializerContext;
