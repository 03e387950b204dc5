namespace LanSpread.Gui.Services;

/// <summary>The Settings field's own checks, before the runtime's (exists, is a directory, writable).</summary>
public static class DirectoryInput
{
    /// <summary>The problem with what was typed, or null. Relative paths are refused: the GUI's working directory means nothing to its user.</summary>
    public static string? Problem(string? typed)
    {
        if (string.IsNullOrWhiteSpace(typed))
        {
            return "Enter a game directory.";
        }

        var text = typed.Trim();
        if (text.StartsWith('~'))
        {
            return $"Enter the full path instead of '{text}' (~ is not expanded here), e.g. {Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), text.TrimStart('~', '/'))}.";
        }

        return Path.IsPathFullyQualified(text) ? null : $"Enter a full path (starting with {(OperatingSystem.IsWindows() ? "a drive such as C:\\" : "/")}); '{text}' is relative.";
    }
}
