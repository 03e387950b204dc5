using System.Collections;
using LanSpread.Core.Composition;
using LanSpread.Peer.Composition;
using Microsoft.Extensions.Configuration;

namespace LanSpread.Peer.Hosting;

/// <summary>
/// The plugin settings every host layers the same way, later layers winning: the JSON file named by
/// <c>LANSPREAD_SETTINGS</c> (<c>{ "tls": { "connectionsPerPeer": 4 } }</c>), environment variables
/// <c>LANSPREAD_SET_section__name</c>, then the host's own pairs (<c>--set section.name=value</c>).
/// After composition a key no part knows, or a value a part could not read, is refused with the known keys.
/// </summary>
public static class PluginConfiguration
{
    /// <summary>The environment variable naming the settings file.</summary>
    public const string FileVariable = "LANSPREAD_SETTINGS";

    /// <summary>The prefix of one-setting environment variables (<c>LANSPREAD_SET_tls__connectionsPerPeer=4</c>).</summary>
    public const string VariablePrefix = "LANSPREAD_SET_";

    /// <summary>Builds the layered settings; a missing or malformed file throws <see cref="PluginSelectionException"/>.</summary>
    /// <param name="pairs">The host's pairs, <c>section.name</c> → value.</param>
    public static PluginSettings Build(IReadOnlyDictionary<string, string>? pairs)
    {
        var builder = new ConfigurationBuilder();
        var file = Environment.GetEnvironmentVariable(FileVariable);
        if (!string.IsNullOrEmpty(file))
        {
            if (!File.Exists(file))
            {
                throw new PluginSelectionException($"{FileVariable}: no settings file '{file}'");
            }

            builder.AddJsonFile(Path.GetFullPath(file), optional: false, reloadOnChange: false);
        }

        var variables = Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .Select(e => (Key: (string)e.Key, Value: e.Value as string))
            .Where(e => e.Key.StartsWith(VariablePrefix, StringComparison.OrdinalIgnoreCase) && e.Value is not null)
            .Select(e => new KeyValuePair<string, string?>(e.Key[VariablePrefix.Length..].Replace("__", ":", StringComparison.Ordinal), e.Value));
        builder.AddInMemoryCollection(variables);
        builder.AddInMemoryCollection((pairs ?? new Dictionary<string, string>()).Select(kv => new KeyValuePair<string, string?>(kv.Key.Replace('.', ':'), kv.Value)));
        try
        {
            return new PluginSettings(builder.Build());
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or IOException)
        {
            throw new PluginSelectionException($"{FileVariable} '{file}': {ex.Message}");
        }
    }

    /// <summary>
    /// When any setting was given: loads the plugins that read the sections given (plugin.json
    /// <c>settings</c>) and, only if some key is still unknown, every other plugin too (an undeclared
    /// reader, and the full list of known keys for the error). Then throws
    /// <see cref="PluginSelectionException"/> for the first bad value or the keys no part knows.
    /// </summary>
    /// <param name="catalog">The loaded catalog.</param>
    /// <param name="settings">The settings the catalog's parts were given.</param>
    public static void Check(PluginCatalog catalog, PluginSettings settings)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Keys.Count == 0)
        {
            return; // nothing to check: plugins stay as lazily loaded as the catalog makes them
        }

        // Loading every plugin to validate one --set would undo lazy loading for every command given one.
        var sections = settings.UnknownKeys.Select(k => k.Split('.')[0]).ToHashSet(StringComparer.OrdinalIgnoreCase);
        catalog.LoadReadersOf(sections);
        if (settings.UnknownKeys.Count > 0)
        {
            _ = catalog.Parts;
        }

        if (settings.Errors is [var error, ..])
        {
            throw new PluginSelectionException(error);
        }

        if (settings.UnknownKeys is { Count: > 0 } unknown)
        {
            throw new PluginSelectionException(
                $"unknown setting{(unknown.Count > 1 ? "s" : string.Empty)} {string.Join(", ", unknown.Select(k => $"'{k}'"))} (known: {string.Join(", ", settings.KnownKeys)})");
        }
    }
}
