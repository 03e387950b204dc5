namespace LanSpread.Peer.Protocol;

/// <summary>The request names on the wire.</summary>
public static class RequestType
{
    public const string Ping = "Ping";
    public const string ListGames = "ListGames";
    public const string GetGame = "GetGame";
    public const string GetGameFileData = "GetGameFileData";
    public const string GetGameFileChunk = "GetGameFileChunk";
}
