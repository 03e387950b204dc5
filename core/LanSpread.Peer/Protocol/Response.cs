using System.Text.Json.Serialization;
using LanSpread.Core.Model;

namespace LanSpread.Peer.Protocol;

/// <summary>A response frame: either an error (code + message) or the payload of its request type.</summary>
public sealed record Response(
    [property: JsonPropertyName("v"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] int V,
    [property: JsonPropertyName("ok"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] bool Ok,
    [property: JsonPropertyName("code")] string? Code = null,
    [property: JsonPropertyName("error")] string? Error = null,
    [property: JsonPropertyName("name")] string? Name = null,
    [property: JsonPropertyName("revision")] long Revision = 0,
    [property: JsonPropertyName("games")] IReadOnlyList<GameSummary>? Games = null,
    [property: JsonPropertyName("details")] GameDetails? Details = null,
    [property: JsonPropertyName("dataLength")] long DataLength = 0)
{
    public static Response Failure(string code, string message) => new(ProtocolConstants.Version, false, code, message);
}
