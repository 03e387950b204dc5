namespace LanSpread.Peer.Protocol;

/// <summary>
/// The wire protocol: every request uses its own bidirectional stream and is one frame
/// <c>[u32 big-endian length][UTF-8 JSON]</c>; the response is one frame, followed, for file data,
/// by exactly <see cref="Response.DataLength"/> raw bytes (never inside JSON).
/// </summary>
public static class ProtocolConstants
{
    /// <summary>Bumped on any incompatible change; peers speaking another version are refused.</summary>
    public const int Version = 1;

    /// <summary>Largest request frame a server reads; anything bigger is refused unread.</summary>
    public const int MaxRequestFrame = 16 * 1024;

    /// <summary>Largest response frame a client reads (file lists of big games are large).</summary>
    public const int MaxResponseFrame = 32 * 1024 * 1024;

    /// <summary>Most pending game ids a ListGames answer names as still hashing (a bound on a huge library's first answers).</summary>
    public const int MaxHashingIds = 1000;

    /// <summary>Titles a client asks for per ListGames page (servers cap pages at 1,000 anyway).</summary>
    public const int ListPageSize = 1000;
}
