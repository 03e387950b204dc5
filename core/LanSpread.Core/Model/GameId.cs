namespace LanSpread.Core.Model;

/// <summary>
/// The one rule for a game id, enforced wherever an id enters (command line, catalog files, the game
/// directory, every peer answer): 1 to <see cref="MaxLength"/> characters from lower-case ASCII
/// letters, digits, <c>.</c>, <c>-</c> and <c>_</c>; not starting with <c>.</c>; no <c>..</c>.
/// An id is used as a directory name, so the rule makes sure it can never name a path outside the
/// game directory (<c>../x</c>, <c>/abs</c>, <c>a/b</c>), a hidden or reserved entry, or differ only in
/// case from another id (case-insensitive file systems would merge them).
/// </summary>
public static class GameId
{
    /// <summary>The longest valid id.</summary>
    public const int MaxLength = 64;

    /// <summary>The rule in words, for error messages and help.</summary>
    public const string Rule = "1-64 characters of a-z, 0-9, '.', '-', '_', not starting with '.' and without '..'";

    /// <summary>Whether <paramref name="id"/> follows the rule.</summary>
    /// <param name="id">The candidate id.</param>
    public static bool IsValid(string? id) => Problem(id) is null;

    /// <summary>Why <paramref name="id"/> is not a valid game id, or null when it is.</summary>
    /// <param name="id">The candidate id.</param>
    public static string? Problem(string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            return "a game id cannot be empty";
        }

        if (id.Length > MaxLength)
        {
            return $"a game id has at most {MaxLength} characters (this one has {id.Length})";
        }

        if (id[0] == '.')
        {
            return "a game id cannot start with '.'";
        }

        if (id.Contains("..", StringComparison.Ordinal))
        {
            return "a game id cannot contain '..'";
        }

        foreach (var c in id)
        {
            if (c is not ((>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '-' or '_'))
            {
                return $"a game id cannot contain {Describe(c)} (allowed: a-z, 0-9, '.', '-', '_')";
            }
        }

        return null;
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="id"/> follows the rule.</summary>
    /// <param name="id">The candidate id.</param>
    /// <param name="paramName">The argument name reported.</param>
    /// <returns><paramref name="id"/>.</returns>
    public static string Validate(string? id, string? paramName = null) =>
        Problem(id) is { } problem ? throw new ArgumentException($"'{Printable(id)}' is not a game id: {problem}", paramName) : id!;

    /// <summary>The id with control characters escaped and cut to a readable length, for messages about invalid ids.</summary>
    /// <param name="id">Any string a peer or user sent as an id.</param>
    public static string Printable(string? id)
    {
        if (id is null)
        {
            return "(null)";
        }

        var cut = id.Length > 80 ? id[..80] + "…" : id;
        return string.Concat(cut.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
    }

    private static string Describe(char c) => c switch
    {
        '/' => "'/'",
        '\\' => "'\\'",
        _ when char.IsControl(c) => $"control character U+{(int)c:X4}",
        _ when char.IsUpper(c) => $"upper-case '{c}'",
        _ => $"'{c}'",
    };
}
