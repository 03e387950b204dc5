namespace LanSpread.Unpack.Rar.Internal;

/// <summary>
/// Creates the symbolic links of an archive after every file and directory is written (so no entry is
/// ever written through a link), each only if its target was validated to stay inside the destination
/// and no directory on its own path is a link (a link created through another link could otherwise
/// land somewhere its lexical check did not see).
/// </summary>
internal static class SymlinkWriter
{
    /// <summary>The target as it is created: Windows links (types 2, 3) use '\', Unix links are kept as given.</summary>
    public static string TargetFor(string target, int redirectionType) =>
        redirectionType is 2 or 3 ? target.Replace('\\', '/') : target;

    /// <summary>
    /// Refuses, before anything is written, an entry whose path lies below a link entry: it would be
    /// written (or linked) through that link.
    /// </summary>
    public static void EnsureNothingBelowLinks(IReadOnlyCollection<string> relatives, IReadOnlyCollection<string> links)
    {
        if (links.Count == 0)
        {
            return;
        }

        var linkSet = new HashSet<string>(links, StringComparer.Ordinal);
        foreach (var relative in relatives)
        {
            for (var slash = relative.IndexOf('/', StringComparison.Ordinal); slash > 0; slash = relative.IndexOf('/', slash + 1))
            {
                var ancestor = relative[..slash];
                if (linkSet.Contains(ancestor))
                {
                    throw new InvalidDataException($"entry '{relative}' lies below the link '{ancestor}' (it would be written through it)");
                }
            }
        }
    }

    public static void Create(string destination, string relative, string target)
    {
        var root = Path.GetFullPath(destination);
        var path = root;
        var segments = relative.Split('/');
        for (var i = 0; i < segments.Length - 1; i++)
        {
            path = Path.Combine(path, segments[i]);
            if (new FileInfo(path).LinkTarget is not null)
            {
                throw new InvalidDataException($"link '{relative}' would be created through the link '{string.Join('/', segments[..(i + 1)])}'");
            }
        }

        Directory.CreateDirectory(path);
        File.CreateSymbolicLink(Path.Combine(path, segments[^1]), target);
    }
}
