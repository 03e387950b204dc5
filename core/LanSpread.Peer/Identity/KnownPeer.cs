using System.Text.Json.Serialization;
using LanSpread.Core.Model;

namespace LanSpread.Peer.Identity;

/// <summary>One peer this peer has connected to: its id, the names and addresses it used, when it was first and last seen.</summary>
public sealed record KnownPeer
{
    [JsonPropertyName("id")]
    public required PeerId Id { get; init; }

    /// <summary>Names it gave, most recent last.</summary>
    [JsonPropertyName("names")]
    public List<string> Names { get; init; } = [];

    /// <summary>Addresses (ADDR:PORT) it was reached at, most recent last.</summary>
    [JsonPropertyName("addresses")]
    public List<string> Addresses { get; init; } = [];

    [JsonPropertyName("firstSeen")]
    public DateTimeOffset FirstSeen { get; init; }

    [JsonPropertyName("lastSeen")]
    public DateTimeOffset LastSeen { get; set; }
}
