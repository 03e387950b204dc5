namespace LanSpread.Peer.Protocol;

/// <summary>Machine-readable error codes of structured error responses.</summary>
public static class ErrorCode
{
    public const string Malformed = "malformed";
    public const string TooLarge = "too_large";
    public const string IncompatibleVersion = "incompatible_version";
    public const string UnknownRequest = "unknown_request";
    public const string UnknownGame = "unknown_game";
    public const string PathRefused = "path_refused";
    public const string NotFound = "not_found";
    public const string BadRange = "bad_range";
    public const string Internal = "internal";
}
