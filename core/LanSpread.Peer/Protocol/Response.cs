using System.Text.Json.Serialization;
using LanSpread.Core.Model;

namespace LanSpread.Peer.Protocol;

/// <summary>
/// A response frame: either an error (code + message) or the payload of its request type. A ListGames
/// page carries <c>next</c> (the cursor of the following page) until the last; a delta answer
/// (<c>delta</c>) lists changed or added titles in <c>games</c> and dropped ones in <c>removed</c>.
/// A GetChunkMap answer carries <c>chunkMap</c>. A ListGames answer from a peer still hashing its library
/// names the games not yet listed because their manifest is not ready (<c>hashing</c>, at most
/// <see cref="ProtocolConstants.MaxHashingIds"/>; older peers neither send nor read it).
/// </summary>
public sealed record Response(
    [property: JsonPropertyName("v"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] int V,
    [property: JsonPropertyName("ok"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] bool Ok,
    [property: JsonPropertyName("code")] string? Code = null,
    [property: JsonPropertyName("error")] string? Error = null,
    [property: JsonPropertyName("name")] string? Name = null,
    [property: JsonPropertyName("revision")] long Revision = 0,
    [property: JsonPropertyName("games")] IReadOnlyList<GameSummary>? Games = null,
    [property: JsonPropertyName("details")] GameDetails? Details = null,
    [property: JsonPropertyName("dataLength")] long DataLength = 0,
    [property: JsonPropertyName("delta")] bool Delta = false,
    [property: JsonPropertyName("removed")] IReadOnlyList<string>? Removed = null,
    [property: JsonPropertyName("next")] string? Next = null,
    [property: JsonPropertyName("chunkMap")] ChunkMap? ChunkMap = null,
    [property: JsonPropertyName("hashing")] IReadOnlyList<string>? Hashing = null)
{
    public static Response Failure(string code, string message) => new(ProtocolConstants.Version, false, code, message);
}
