using System.Text.Json;
using System.Text.Json.Serialization;

namespace LanSpread.Peer.Composition;

/// <summary>
/// The <c>plugin.json</c> beside a plugin's assemblies (Jellyfin's <c>meta.json</c> is the model).
/// <c>provides</c> (optional) names the part kinds the plugin exports; with it the catalog loads the plugin
/// only when a part of one of those kinds is first asked for, without it the plugin is loaded at once.
/// <c>settings</c> (optional) names the setting sections its parts read (<c>tls</c> for <c>tls.*</c>), so
/// checking a <c>--set</c> loads only the plugins that read it.
/// </summary>
public sealed record PluginManifest(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("contractVersion")] string ContractVersion,
    [property: JsonPropertyName("assemblies")] IReadOnlyList<string> Assemblies,
    [property: JsonPropertyName("description")] string? Description = null,
    [property: JsonPropertyName("provides")] IReadOnlyList<string>? Provides = null,
    [property: JsonPropertyName("settings")] IReadOnlyList<string>? Settings = null)
{
    /// <summary>The manifest's file name.</summary>
    public const string FileName = "plugin.json";

    /// <summary>Reads and validates a manifest; throws <see cref="InvalidDataException"/> with the problem.</summary>
    public static PluginManifest Read(string path)
    {
        PluginManifest? manifest;
        try
        {
            using var stream = File.OpenRead(path);
            manifest = JsonSerializer.Deserialize(stream, PluginManifestJsonContext.Default.PluginManifest);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: not a valid plugin manifest ({ex.Message})", ex);
        }

        if (manifest is null || string.IsNullOrWhiteSpace(manifest.Id) || manifest.Assemblies is not { Count: > 0 })
        {
            throw new InvalidDataException($"{path}: a plugin manifest needs an id and at least one assembly");
        }

        if (!System.Version.TryParse(manifest.ContractVersion, out _))
        {
            throw new InvalidDataException($"{path}: contractVersion '{manifest.ContractVersion}' is not a version");
        }

        foreach (var assembly in manifest.Assemblies)
        {
            if (Path.GetFileName(assembly) != assembly || !assembly.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidDataException($"{path}: assembly '{assembly}' must be a .dll file name in the plugin folder");
            }
        }

        return manifest;
    }
}
