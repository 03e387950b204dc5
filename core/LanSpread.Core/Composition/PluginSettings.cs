using System.Globalization;

namespace LanSpread.Core.Composition;

/// <summary>
/// Host-provided settings that parts may import in their constructor to fill their options type
/// (for example <c>tls.connectionsPerPeer=4</c> from the command line). Keys are case-insensitive.
/// </summary>
public sealed class PluginSettings
{
    private readonly Dictionary<string, string> _values;

    /// <summary>Creates the settings from key/value pairs.</summary>
    /// <param name="values">The pairs.</param>
    public PluginSettings(IEnumerable<KeyValuePair<string, string>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        _values = new Dictionary<string, string>(values, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>No settings.</summary>
    public static PluginSettings Empty { get; } = new([]);

    /// <summary>A string setting, or <paramref name="fallback"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="fallback">The default.</param>
    public string GetString(string key, string fallback) => _values.GetValueOrDefault(key) ?? fallback;

    /// <summary>An integer setting, or <paramref name="fallback"/>; throws on a value that is not an integer.</summary>
    /// <param name="key">The key.</param>
    /// <param name="fallback">The default.</param>
    public int GetInt32(string key, int fallback) =>
        _values.TryGetValue(key, out var text)
            ? int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new FormatException($"setting '{key}' must be an integer, not '{text}'")
            : fallback;
}
