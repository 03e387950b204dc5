namespace LanSpread.Peer.Protocol;

/// <summary>The request names on the wire.</summary>
public static class RequestType
{
    public const string Ping = "Ping";
    public const string ListGames = "ListGames";
    public const string GetGame = "GetGame";
    public const string GetGameFileData = "GetGameFileData";
    public const string GetGameFileChunk = "GetGameFileChunk";

    /// <summary>What the peer holds of a game, complete or partial (swarming, DESIGN F.2); older peers answer unknown_request.</summary>
    public const string GetChunkMap = "GetChunkMap";
}
