using System.Text.RegularExpressions;

namespace LanSpread.Unpack.Rar.Internal;

/// <summary>Finds archives in a game root and the volumes of a multi-volume set (<c>name.partNN.eti</c>).</summary>
internal static partial class VolumeSet
{
    public static IReadOnlyList<string> FindFirstVolumes(string gameRoot, IReadOnlyList<string> patterns)
    {
        if (!Directory.Exists(gameRoot))
        {
            return [];
        }

        var files = patterns
            .SelectMany(p => Directory.EnumerateFiles(gameRoot, p, SearchOption.TopDirectoryOnly))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        return files.Where(f => PartNumber(f) is null or 1).ToList();
    }

    /// <summary>All volumes of the set <paramref name="firstVolume"/> starts, in order.</summary>
    public static IReadOnlyList<FileInfo> VolumesOf(string firstVolume) =>
        VolumePathsOf(firstVolume, File.Exists).Select(p => new FileInfo(p)).ToList();

    /// <summary>The paths of the volumes of the set <paramref name="firstVolume"/> starts, in order, as far as <paramref name="exists"/> finds them.</summary>
    public static IReadOnlyList<string> VolumePathsOf(string firstVolume, Func<string, bool> exists)
    {
        var match = PartPattern().Match(Path.GetFileName(firstVolume));
        if (!match.Success)
        {
            return [firstVolume];
        }

        var directory = Path.GetDirectoryName(firstVolume)!;
        var stem = match.Groups["stem"].Value;
        var extension = match.Groups["ext"].Value;
        var width = match.Groups["n"].Value.Length;
        var volumes = new List<string>();
        for (var n = 1; ; n++)
        {
            var path = Path.Combine(directory, $"{stem}.part{n.ToString().PadLeft(width, '0')}.{extension}");
            if (!exists(path))
            {
                break;
            }

            volumes.Add(path);
        }

        return volumes;
    }

    private static int? PartNumber(string path)
    {
        var match = PartPattern().Match(Path.GetFileName(path));
        return match.Success ? int.Parse(match.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    [GeneratedRegex(@"^(?<stem>.+)\.part(?<n>\d+)\.(?<ext>eti|rar)$", RegexOptions.IgnoreCase)]
    private static partial Regex PartPattern();
}
