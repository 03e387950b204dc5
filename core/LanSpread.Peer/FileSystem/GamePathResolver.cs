namespace LanSpread.Peer.FileSystem;

/// <summary>
/// Turns a relative path from the wire into a file inside a game root, or refuses it. Refused: empty,
/// absolute, drive letters, backslashes, <c>..</c>, control characters, reserved (bookkeeping or
/// <c>local/</c>) names, and any path whose existing components are symlinks leading out of the root.
/// </summary>
public static class GamePathResolver
{
    public static bool TryResolve(string gameRoot, string? relativePath, out string fullPath, out string problem)
    {
        fullPath = string.Empty;
        if (!IsSafeRelativePath(relativePath, out problem))
        {
            return false;
        }

        var segments = relativePath!.Split('/');
        var root = Path.GetFullPath(gameRoot);
        var current = root;
        foreach (var segment in segments)
        {
            current = Path.Combine(current, segment);
            var info = new FileInfo(current);
            if (info.LinkTarget is not null)
            {
                var target = info.ResolveLinkTarget(returnFinalTarget: true);
                var resolved = target is null ? null : Path.GetFullPath(target.FullName);
                if (resolved is null || !(resolved + Path.DirectorySeparatorChar).StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                {
                    problem = "a symbolic link in the path points outside the game root";
                    return false;
                }
            }
        }

        fullPath = current;
        return true;
    }

    /// <summary>
    /// The syntactic half (no file system access): used by the server before resolving, and by the
    /// download pipeline before it creates any file a peer's file list names.
    /// </summary>
    public static bool IsSafeRelativePath(string? relativePath, out string problem)
    {
        problem = string.Empty;
        if (string.IsNullOrEmpty(relativePath) || relativePath.Length > 4096)
        {
            problem = "empty or overlong path";
            return false;
        }

        if (relativePath.StartsWith('/') || relativePath.Contains('\\', StringComparison.Ordinal)
            || (relativePath.Length >= 2 && relativePath[1] == ':'))
        {
            problem = "absolute paths, drive letters and backslashes are not allowed";
            return false;
        }

        var segments = relativePath.Split('/');
        foreach (var segment in segments)
        {
            if (segment.Length == 0 || segment == "." || segment == "..")
            {
                problem = "the path leaves the game root or has empty segments";
                return false;
            }

            if (segment.Any(char.IsControl))
            {
                problem = "control characters are not allowed";
                return false;
            }
        }

        if (GameRootLayout.IsReservedTopLevel(segments[0]))
        {
            problem = $"'{segments[0]}' is reserved and never served";
            return false;
        }

        return true;
    }
}
