using LanSpread.Core.Composition;
using LanSpread.Peer.Composition;
using LanSpread.Peer.Hosting;
using LanSpread.Plugins.Tests.Unpacking;
using LanSpread.TestKit;
using Xunit;

namespace LanSpread.Plugins.Tests.Composition;

/// <summary>
/// Checking a <c>--set</c> loads only the plugins whose plugin.json says they read its section; a key no
/// declared reader knows still loads everything, so the error lists every known key as before.
/// </summary>
public sealed class SettingsCheckLoadingTests
{
    /// <summary>A broken transport plugin (loading it logs a Malfunctioned part) that declares the section "garbage".</summary>
    private static string BrokenPlugin(TempDir temp)
    {
        var garbage = temp.Sub("Garbage.Transport");
        File.WriteAllBytes(Path.Combine(garbage, "Garbage.dll"), GameFixture.Bytes(4096, 1));
        File.WriteAllText(Path.Combine(garbage, "plugin.json"), $$"""{ "id": "Garbage.Transport", "version": "1", "contractVersion": "{{Core.ContractVersion.Current.ToString(2)}}", "assemblies": ["Garbage.dll"], "provides": ["transport"], "settings": ["garbage"] }""");
        return temp.Path;
    }

    [Fact]
    public void A_setting_loads_only_the_plugins_that_read_its_section()
    {
        using var temp = new TempDir();
        var logs = new RecordingLoggerFactory();
        var settings = new PluginSettings([new("rar.useStoredFastPath", "false")]);
        using var catalog = PluginCatalog.Load([PluginCatalog.DefaultDirectory, BrokenPlugin(temp)], logs, settings);

        PluginConfiguration.Check(catalog, settings);

        Assert.Contains("rar.useStoredFastPath", settings.KnownKeys);
        Assert.DoesNotContain(settings.KnownKeys, k => k.StartsWith("mdns.", StringComparison.Ordinal) || k.StartsWith("quic.", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Messages, m => m.Contains("Garbage", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_key_loads_every_plugin_and_lists_every_known_key()
    {
        using var temp = new TempDir();
        var logs = new RecordingLoggerFactory();
        var settings = new PluginSettings([new("rar.useStoredFastPath", "false"), new("nope.key", "1")]);
        using var catalog = PluginCatalog.Load([PluginCatalog.DefaultDirectory, BrokenPlugin(temp)], logs, settings);

        var error = Assert.Throws<PluginSelectionException>(() => PluginConfiguration.Check(catalog, settings));

        Assert.Contains("'nope.key'", error.Message, StringComparison.Ordinal);
        Assert.Contains("mdns.", error.Message, StringComparison.Ordinal);
        Assert.Contains("quic.", error.Message, StringComparison.Ordinal);
        Assert.Contains(logs.Messages, m => m.Contains("Garbage.dll", StringComparison.Ordinal));
    }

    [Fact]
    public void A_bad_value_of_a_lazily_loaded_plugin_is_still_refused()
    {
        var settings = new PluginSettings([new("mdns.queryInterval", "not-a-time")]);
        using var catalog = PluginCatalog.Load([PluginCatalog.DefaultDirectory], new RecordingLoggerFactory(), settings);

        var error = Assert.Throws<PluginSelectionException>(() => PluginConfiguration.Check(catalog, settings));

        Assert.Contains("mdns.queryInterval", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void The_built_plugins_declare_the_sections_they_read()
    {
        var read = Directory.EnumerateDirectories(PluginCatalog.DefaultDirectory)
            .SelectMany(f => PluginManifest.Read(Path.Combine(f, PluginManifest.FileName)).Settings ?? [])
            .Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["mdns", "quic", "rar", "tls"], read);
    }
}
