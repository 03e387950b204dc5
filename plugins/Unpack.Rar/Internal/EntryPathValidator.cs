using System.Text;

namespace LanSpread.Unpack.Rar.Internal;

/// <summary>
/// Decides where an archive entry may be written. Refused: empty names, absolute paths, drive letters,
/// <c>..</c> segments, control characters, Windows device names (the game may be copied to Windows
/// later), and names that collide with another entry after normalisation (case and Unicode form).
/// </summary>
internal sealed class EntryPathValidator
{
    private static readonly HashSet<string> DeviceNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    };

    private readonly string _root;
    private readonly Dictionary<string, string> _seen = new(StringComparer.Ordinal);

    public EntryPathValidator(string root) => _root = Path.GetFullPath(root);

    /// <summary>Returns the normalised relative path (with '/') or throws with the reason.</summary>
    public string Validate(string? key, bool isDirectory)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw new InvalidDataException("an entry has an empty name");
        }

        var name = key.Replace('\\', '/');
        if (name.StartsWith('/') || (name.Length >= 2 && name[1] == ':' && char.IsAsciiLetter(name[0])))
        {
            throw new InvalidDataException($"entry '{key}' has an absolute path");
        }

        var segments = name.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToArray();
        if (segments.Length == 0)
        {
            throw new InvalidDataException($"entry '{key}' has an empty name");
        }

        foreach (var segment in segments)
        {
            if (segment == "..")
            {
                throw new InvalidDataException($"entry '{key}' escapes the target directory ('..')");
            }

            if (segment.Any(char.IsControl) || segment.Contains(':', StringComparison.Ordinal))
            {
                throw new InvalidDataException($"entry '{key}' has a forbidden character in its name");
            }

            var stem = segment.Split('.')[0].TrimEnd(' ');
            if (DeviceNames.Contains(stem))
            {
                throw new InvalidDataException($"entry '{key}' uses the reserved device name '{stem}'");
            }
        }

        var relative = string.Join('/', segments);
        var full = Path.GetFullPath(Path.Combine(_root, relative));
        if (!full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"entry '{key}' escapes the target directory");
        }

        var folded = relative.Normalize(NormalizationForm.FormC).ToUpperInvariant();
        if (_seen.TryGetValue(folded, out var other) && !(isDirectory && other == "dir"))
        {
            throw new InvalidDataException($"entry '{key}' collides with another entry of the same name after normalisation");
        }

        _seen[folded] = isDirectory ? "dir" : "file";
        return relative;
    }

    /// <summary>Checks that a link entry's target stays inside the target directory.</summary>
    public void ValidateLink(string relativePath, string target)
    {
        if (string.IsNullOrEmpty(target) || target.Any(char.IsControl))
        {
            throw new InvalidDataException($"link '{relativePath}' has an empty or malformed target");
        }

        if (Path.IsPathRooted(target) || target.Replace('\\', '/').StartsWith('/') || (target.Length >= 2 && target[1] == ':' && char.IsAsciiLetter(target[0])))
        {
            throw new InvalidDataException($"link '{relativePath}' points outside the target directory ('{target}')");
        }

        var parent = Path.GetDirectoryName(Path.Combine(_root, relativePath))!;
        var resolved = Path.GetFullPath(Path.Combine(parent, target.Replace('\\', '/')));
        if (resolved != _root && !resolved.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"link '{relativePath}' points outside the target directory ('{target}')");
        }
    }
}
