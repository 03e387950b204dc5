using System.Text.Json.Serialization;

namespace LanSpread.Peer.Protocol;

/// <summary>
/// A request frame. Flat on purpose: every field a request type does not use stays null or 0.
/// A Ping carries the sender's library revision, so one exchange tells both ends whether to re-list.
/// ListGames pages when <c>limit</c> is set (at most that many titles after the id <c>after</c>) and
/// answers only what changed when <c>since</c> names a revision the server still remembers.
/// </summary>
public sealed record Request(
    [property: JsonPropertyName("v"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] int V,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("game")] string? Game = null,
    [property: JsonPropertyName("path")] string? Path = null,
    [property: JsonPropertyName("offset")] long Offset = 0,
    [property: JsonPropertyName("length")] long Length = 0,
    [property: JsonPropertyName("revision")] long Revision = 0,
    [property: JsonPropertyName("since")] long Since = 0,
    [property: JsonPropertyName("after")] string? After = null,
    [property: JsonPropertyName("limit")] int Limit = 0);
