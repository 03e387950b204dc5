namespace LanSpread.Core.Model;

/// <summary>
/// Compares the contents of <c>version.ini</c> sentinels so that the newest is found: dotted numeric
/// versions (<c>20240517</c>, <c>1.10.2</c>) compare numerically segment by segment; anything else
/// falls back to ordinal comparison.
/// </summary>
public static class GameVersion
{
    /// <summary>Compares two versions; a missing version is older than any present one.</summary>
    /// <param name="left">The first version.</param>
    /// <param name="right">The second version.</param>
    public static int Compare(string? left, string? right)
    {
        if (string.IsNullOrEmpty(left) || string.IsNullOrEmpty(right))
        {
            return string.IsNullOrEmpty(left) ? (string.IsNullOrEmpty(right) ? 0 : -1) : 1;
        }

        var a = left.Split('.');
        var b = right.Split('.');
        if (a.All(IsNumber) && b.All(IsNumber))
        {
            for (var i = 0; i < Math.Max(a.Length, b.Length); i++)
            {
                var x = i < a.Length ? a[i].TrimStart('0') : string.Empty;
                var y = i < b.Length ? b[i].TrimStart('0') : string.Empty;
                var c = x.Length != y.Length ? x.Length.CompareTo(y.Length) : string.CompareOrdinal(x, y);
                if (c != 0)
                {
                    return Math.Sign(c);
                }
            }

            return 0;
        }

        return Math.Sign(string.CompareOrdinal(left, right));
    }

    private static bool IsNumber(string s) => s.Length > 0 && s.All(char.IsAsciiDigit);
}
