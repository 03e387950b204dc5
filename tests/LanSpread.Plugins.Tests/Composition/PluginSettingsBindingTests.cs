using LanSpread.Core.Composition;
using LanSpread.Core.Discovery;
using LanSpread.Core.Transport;
using LanSpread.Peer.Composition;
using LanSpread.Peer.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace LanSpread.Plugins.Tests.Composition;

public sealed class PluginSettingsBindingTests
{
    private static object OptionsOf(object part) => part.GetType().GetProperty("Options")!.GetValue(part)!;

    private static T Value<T>(object options, string property) => (T)options.GetType().GetProperty(property)!.GetValue(options)!;

    [Fact]
    public void Set_values_reach_the_bound_options_and_the_rest_keep_the_options_type_defaults()
    {
        using var catalog = PeerHost.LoadPlugins([], NullLoggerFactory.Instance, new Dictionary<string, string>
        {
            ["mdns.queryInterval"] = "00:00:02",
            ["QUIC.IdleTimeout"] = "00:00:05", // keys are case-insensitive
        });
        var mdns = OptionsOf(catalog.Select<IDiscovery>(PluginKind.Discovery, "mdns"));
        Assert.Equal(TimeSpan.FromSeconds(2), Value<TimeSpan>(mdns, "QueryInterval"));
        Assert.Equal(TimeSpan.FromSeconds(120), Value<TimeSpan>(mdns, "RecordTtl"));
        var quic = catalog.Parts.Single(p => p.Kind == PluginKind.Transport && p.Name == "quic");
        if (quic.Instance is ITransport transport)
        {
            Assert.Equal(TimeSpan.FromSeconds(5), Value<TimeSpan>(OptionsOf(transport), "IdleTimeout"));
        }
    }

    [Fact]
    public void Unknown_keys_are_all_named_with_the_known_list()
    {
        var error = Assert.Throws<PluginSelectionException>(() => PeerHost.LoadPlugins([], NullLoggerFactory.Instance, new Dictionary<string, string>
        {
            ["tls.nonsense"] = "1",
            ["nosuchplugin.key"] = "x",
        }));
        Assert.StartsWith("unknown settings 'nosuchplugin.key', 'tls.nonsense' (known: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("tls.connectionsPerPeer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_registers_every_settable_property_and_list_items_count_as_known()
    {
        var settings = new PluginSettings([new("demo.items.0", "a"), new("demo.count", "3")]);
        var options = settings.Bind<DemoOptions>("demo");
        Assert.Equal(3, options.Count);
        Assert.Equal(["a"], options.Items);
        Assert.Equal(["demo.count", "demo.items", "demo.name"], settings.KnownKeys);
        Assert.Empty(settings.UnknownKeys);
        Assert.Equal("default", options.Name);
    }

    [Fact]
    public void A_bad_value_is_recorded_naming_the_key_and_the_part_gets_the_defaults()
    {
        var settings = new PluginSettings([new("demo.count", "lots"), new("demo.name", "x")]);
        var options = settings.Bind<DemoOptions>("demo");
        Assert.Equal(1, options.Count);
        Assert.Equal("default", options.Name);
        Assert.Equal(["setting 'demo.count': 'lots' is not a valid whole number"], settings.Errors);
        Assert.Equal(8, settings.GetInt32("demo.other", 8));
        Assert.Equal(8, new PluginSettings([new("demo.other", "x")]).GetInt32("demo.other", 8));
    }

    [Fact]
    public void Every_TLS_option_is_one_bound_key_and_an_unusable_value_is_refused_by_name()
    {
        using (var catalog = PeerHost.LoadPlugins([], NullLoggerFactory.Instance, new Dictionary<string, string>
        {
            ["tls.connectionsPerPeer"] = "3",
            ["tls.handshakeTimeout"] = "00:00:04",
            ["tls.serverIdleTimeout"] = "00:01:30",
            ["tls.maxConnectionsPerAddress"] = "64",
        }))
        {
            var tls = OptionsOf(catalog.Select<ITransport>(PluginKind.Transport, "tls"));
            Assert.Equal(3, Value<int>(tls, "ConnectionsPerPeer"));
            Assert.Equal(TimeSpan.FromSeconds(4), Value<TimeSpan>(tls, "HandshakeTimeout"));
            Assert.Equal(TimeSpan.FromSeconds(90), Value<TimeSpan>(tls, "ServerIdleTimeout"));
            Assert.Equal(64, Value<int>(tls, "MaxConnectionsPerAddress"));
            Assert.Equal(32, Value<int>(tls, "MaxConnectionsPerPeer")); // not set: the options type's default
        }

        var zero = Assert.Throws<PluginSelectionException>(() => PeerHost.LoadPlugins([], NullLoggerFactory.Instance, new Dictionary<string, string> { ["tls.maxServerConnections"] = "0" }));
        Assert.Contains("setting 'tls.maxServerConnections': 0 must be at least 1", zero.Message, StringComparison.Ordinal);
        var days = Assert.Throws<PluginSelectionException>(() => PeerHost.LoadPlugins([], NullLoggerFactory.Instance, new Dictionary<string, string> { ["tls.serverIdleTimeout"] = "120" }));
        Assert.Contains("setting 'tls.serverIdleTimeout'", days.Message, StringComparison.Ordinal);
        Assert.Contains("hh:mm:ss", days.Message, StringComparison.Ordinal);
    }
}
