using System.Text.RegularExpressions;

namespace LanSpread.Gui.Services;

/// <summary>
/// Rewrites the runtime's reasons (written for logs and the CLI) into what a person at a LAN party can
/// act on: no chunk counts, no .NET exception names, no command-line options.
/// </summary>
public static partial class FriendlyMessages
{
    public static string Of(string? reason)
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            return "something went wrong (no reason was given)";
        }

        var text = ExceptionName().Replace(reason, string.Empty).Trim();
        if (ChunksMissing().IsMatch(text))
        {
            return "every peer serving this game stopped answering before the download finished; try again when a peer offers it";
        }

        if (NoHonestHolder().IsMatch(text))
        {
            return "the peers serving this game sent damaged data and were dropped (nothing damaged was kept); try again when another peer offers it";
        }

        text = text.Replace(" (create it, or pass another with --games)", " (create it first, or choose another)", StringComparison.Ordinal)
            .Replace("; pick another with --listen ADDR:PORT", string.Empty, StringComparison.Ordinal)
            .Replace("; not downgrading (pass --allow-downgrade to replace it)", ": it was kept, nothing was replaced", StringComparison.Ordinal);
        return text switch
        {
            "the game directory is empty" => "enter a game directory",
            "cancelled by the user" => "cancelled",
            _ => text,
        };
    }

    // "System.IO.IOException: ", "InvalidFormatException: " and the like, wherever they appear.
    [GeneratedRegex(@"\b(?:[A-Za-z_][\w]*\.)*[A-Z]\w*Exception:\s*")]
    private static partial Regex ExceptionName();

    // The scheduler's ways of saying that no peer still answering can serve what is left (ChunkScheduler).
    [GeneratedRegex(@"\d+ chunks? (?:missing|still failing after|are held by no peer)")]
    private static partial Regex ChunksMissing();

    [GeneratedRegex(@"\d+ chunks? have no honest holder")]
    private static partial Regex NoHonestHolder();
}
