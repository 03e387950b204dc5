using System.Text.Json.Serialization;

namespace LanSpread.Peer.Protocol;

/// <summary>A request frame. Flat on purpose: every field a request type does not use stays null or 0.</summary>
public sealed record Request(
    [property: JsonPropertyName("v"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] int V,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("game")] string? Game = null,
    [property: JsonPropertyName("path")] string? Path = null,
    [property: JsonPropertyName("offset")] long Offset = 0,
    [property: JsonPropertyName("length")] long Length = 0);
