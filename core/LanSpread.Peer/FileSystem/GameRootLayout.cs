namespace LanSpread.Peer.FileSystem;

/// <summary>The names inside a game root (DESIGN A.2) and which of them LanSpread owns.</summary>
public static class GameRootLayout
{
    public const string VersionFile = "version.ini";
    public const string LocalDirectory = "local";
    public const string IntentLog = ".lanspread.json";
    public const string InstallingDirectory = ".local.installing";
    public const string BackupDirectory = ".local.backup";
    public const string OwnedMarker = ".lanspread_owned";
    public const string VersionTemp = ".version.ini.tmp";
    public const string VersionDiscarded = ".version.ini.discarded";
    public const string PartialDirectory = ".lanspread.partial";
    public const string ProgressRecord = ".lanspread.progress";

    /// <summary>Root-level names that are never announced, served or downloaded.</summary>
    public static bool IsReservedTopLevel(string name) =>
        name is LocalDirectory or IntentLog or InstallingDirectory or BackupDirectory or OwnedMarker or VersionTemp or VersionDiscarded
        || name.StartsWith(".lanspread", StringComparison.Ordinal)
        || name.EndsWith(AtomicFile.TempSuffix, StringComparison.Ordinal);
}
