using System.Composition;
using System.Runtime.Loader;
using LanSpread.Core.Composition;
using LanSpread.Core.Discovery;
using LanSpread.Core.Model;
using LanSpread.Core.Planning;
using LanSpread.Core.Transport;
using LanSpread.Core.Unpacking;
using LanSpread.Peer.Composition;
using LanSpread.Peer.Hosting;
using LanSpread.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace LanSpread.Plugins.Tests.Composition;

public sealed class PluginCatalogTests : IClassFixture<ExternalPlugin>
{
    private readonly ExternalPlugin _external;

    public PluginCatalogTests(ExternalPlugin external) => _external = external;

    [Fact]
    public void The_six_built_plugins_load_from_the_plugins_folder_with_their_status()
    {
        using var catalog = PeerHost.LoadPlugins([], NullLoggerFactory.Instance);
        var parts = catalog.Parts.ToDictionary(p => (p.Kind, p.Name));

        Assert.Equal(PluginStatus.Active, parts[(PluginKind.Transport, "tls")].Status);
        Assert.Equal(PluginStatus.Active, parts[(PluginKind.Discovery, "mdns")].Status);
        Assert.Equal(PluginStatus.Active, parts[(PluginKind.Unpacker, "rar")].Status);
        Assert.Equal(PluginStatus.Active, parts[(PluginKind.Planner, "round-robin")].Status);
        Assert.Equal(PluginStatus.Active, parts[(PluginKind.Planner, "adaptive")].Status);
        var quic = parts[(PluginKind.Transport, "quic")];
        if (System.Net.Quic.QuicListener.IsSupported)
        {
            Assert.Equal(PluginStatus.Active, quic.Status);
        }
        else
        {
            Assert.Equal(PluginStatus.NotSupported, quic.Status);
            Assert.Contains("libmsquic", quic.Reason, StringComparison.Ordinal);
        }

        Assert.All(catalog.Parts, p => Assert.Equal("0.1.0", p.Version));
    }

    [Fact]
    public void Contract_types_have_one_identity_across_load_contexts()
    {
        using var catalog = PeerHost.LoadPlugins([], NullLoggerFactory.Instance);
        var tls = catalog.Select<ITransport>(PluginKind.Transport, "tls");

        // The plugin assembly lives in its own load context…
        var pluginContext = AssemblyLoadContext.GetLoadContext(tls.GetType().Assembly);
        Assert.NotSame(AssemblyLoadContext.Default, pluginContext);

        // …but the contracts and the MEF attributes it uses are the host's.
        var contract = tls.GetType().GetInterfaces().Single(i => i.Name == nameof(ITransport));
        Assert.Same(typeof(ITransport), contract);
        var export = tls.GetType().GetCustomAttributes(inherit: false).OfType<ExportAttribute>().Single();
        Assert.Same(typeof(ExportPluginAttribute), export.GetType().BaseType);
        Assert.Same(typeof(ExportAttribute), export.GetType().BaseType!.BaseType);
        Assert.Same(AssemblyLoadContext.Default, AssemblyLoadContext.GetLoadContext(contract.Assembly));
    }

    [Fact]
    public void Selection_is_by_name_else_highest_priority_supported()
    {
        using var catalog = PeerHost.LoadPlugins([], NullLoggerFactory.Instance);
        // QUIC has the higher priority, but where it is not supported TLS is chosen.
        var chosen = catalog.Select<ITransport>(PluginKind.Transport, null);
        Assert.Equal(System.Net.Quic.QuicListener.IsSupported ? "quic" : "tls", chosen.Name);
        Assert.Equal("round-robin", catalog.Select<IChunkPlanner>(PluginKind.Planner, "ROUND-ROBIN").Name);
        Assert.Equal("adaptive", catalog.Select<IChunkPlanner>(PluginKind.Planner, null).Name); // the default

        var unknown = Assert.Throws<PluginSelectionException>(() => catalog.Select<ITransport>(PluginKind.Transport, "carrier-pigeon"));
        Assert.Contains("available: tls", unknown.Message, StringComparison.Ordinal);
        if (!System.Net.Quic.QuicListener.IsSupported)
        {
            var quic = Assert.Throws<PluginSelectionException>(() => catalog.Select<ITransport>(PluginKind.Transport, "quic"));
            Assert.Contains("NotSupported", quic.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_planner_built_outside_the_solution_is_found_and_selectable_by_name()
    {
        using var catalog = PeerHost.LoadPlugins([_external.PluginsRoot], NullLoggerFactory.Instance);
        var part = catalog.Parts.Single(p => p.Name == "reverse");
        Assert.Equal(PluginStatus.Active, part.Status);
        Assert.Equal("9.9.9", part.Version);

        var planner = catalog.Select<IChunkPlanner>(PluginKind.Planner, "reverse");
        var peer = new PlannerPeer(PeerId.FromCertificate([1, 2, 3]), "p");
        var plan = planner.CreatePlan(new ChunkPlanRequest([new FileChunk("a", 0, 1), new FileChunk("a", 1, 1)], [peer]));
        Assert.True(plan.TryTakeNext(peer.PeerId, out var first));
        Assert.Equal(1, first.Chunk.Offset); // its own strategy, not round-robin's
    }

    [Fact]
    public void A_constructor_that_throws_is_Malfunctioned_and_the_rest_still_load()
    {
        using var catalog = PeerHost.LoadPlugins([_external.PluginsRoot], NullLoggerFactory.Instance);
        var broken = catalog.Parts.Single(p => p.Name == "throwing");
        Assert.Equal(PluginStatus.Malfunctioned, broken.Status);
        Assert.Contains("deliberately broken constructor", broken.Reason, StringComparison.Ordinal);
        Assert.Equal(PluginStatus.Active, catalog.Parts.Single(p => p.Name == "reverse").Status);
        Assert.Equal("tls", catalog.Select<ITransport>(PluginKind.Transport, "tls").Name);
    }

    [Fact]
    public void A_plugin_for_a_future_contract_version_is_Incompatible()
    {
        using var temp = new TempDir();
        var folder = temp.Sub("Future.Plugin");
        foreach (var file in Directory.EnumerateFiles(_external.Folder))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        File.WriteAllText(Path.Combine(folder, "plugin.json"), """{ "id": "Future.Plugin", "version": "1.0.0", "contractVersion": "3.0", "assemblies": ["External.Planner.dll"] }""");
        using var catalog = Peer.Composition.PluginCatalog.Load([temp.Path], NullLoggerFactory.Instance);
        var part = Assert.Single(catalog.Parts);
        Assert.Equal(PluginStatus.Incompatible, part.Status);
        Assert.Contains("contract 3.0", part.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_planner_built_against_contract_1_is_Incompatible_with_its_reason()
    {
        // Contract 2 changed IChunkPlan (chunk indexes, availability, peers joining, stalls): a planner built
        // against contract 1 would fail at its first call, so the catalog refuses it from its manifest instead.
        using var temp = new TempDir();
        var folder = temp.Sub("Old.Planner");
        foreach (var file in Directory.EnumerateFiles(_external.Folder))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        }

        File.WriteAllText(Path.Combine(folder, "plugin.json"), """{ "id": "Old.Planner", "version": "1.0.0", "contractVersion": "1.0", "assemblies": ["External.Planner.dll"], "provides": ["planner"] }""");
        using var catalog = Peer.Composition.PluginCatalog.Load([temp.Path], NullLoggerFactory.Instance);
        var part = Assert.Single(catalog.Parts);
        Assert.Equal(PluginStatus.Incompatible, part.Status);
        Assert.Equal($"targets contract 1.0, this host implements {Core.ContractVersion.Current}", part.Reason);
        Assert.Equal(2, Core.ContractVersion.Current.Major);
    }

    [Fact]
    public void Garbage_dlls_and_bad_manifests_are_Malfunctioned_never_fatal()
    {
        using var temp = new TempDir();
        var garbage = temp.Sub("Garbage");
        File.WriteAllBytes(Path.Combine(garbage, "Garbage.dll"), GameFixture.Bytes(4096, 1));
        File.WriteAllText(Path.Combine(garbage, "plugin.json"), """{ "id": "Garbage", "version": "1", "contractVersion": "2.0", "assemblies": ["Garbage.dll"] }""");
        var noManifest = temp.Sub("NoManifest");
        File.WriteAllBytes(Path.Combine(noManifest, "Some.dll"), GameFixture.Bytes(100, 2));
        var badJson = temp.Sub("BadJson");
        File.WriteAllText(Path.Combine(badJson, "plugin.json"), "{ not json");
        var escaping = temp.Sub("Escaping");
        File.WriteAllText(Path.Combine(escaping, "plugin.json"), """{ "id": "Escaping", "version": "1", "contractVersion": "2.0", "assemblies": ["../../evil.dll"] }""");

        using var catalog = Peer.Composition.PluginCatalog.Load([temp.Path], NullLoggerFactory.Instance);
        Assert.Equal(4, catalog.Parts.Count);
        Assert.All(catalog.Parts, p => Assert.Equal(PluginStatus.Malfunctioned, p.Status));
        Assert.Contains(catalog.Parts, p => p.PluginId == "Garbage" && p.Reason!.Contains("Garbage.dll", StringComparison.Ordinal));
        Assert.Contains(catalog.Parts, p => p.PluginId == "NoManifest" && p.Reason!.Contains("plugin.json", StringComparison.Ordinal));
        Assert.Contains(catalog.Parts, p => p.PluginId == "BadJson" && p.Reason!.Contains("not a valid plugin manifest", StringComparison.Ordinal));
        Assert.Contains(catalog.Parts, p => p.PluginId == "Escaping" && p.Reason!.Contains("must be a .dll file name", StringComparison.Ordinal));
        Assert.Throws<PluginSelectionException>(() => catalog.Select<IUnpacker>(PluginKind.Unpacker, null));
        Assert.Empty(catalog.Active<IDiscovery>(PluginKind.Discovery));
    }

    [Fact]
    public void A_plugin_that_declares_its_kinds_is_loaded_only_when_one_is_asked_for()
    {
        using var temp = new TempDir();
        // A broken transport plugin: loading it would log and list a Malfunctioned part.
        var garbage = temp.Sub("Garbage.Transport");
        File.WriteAllBytes(Path.Combine(garbage, "Garbage.dll"), GameFixture.Bytes(4096, 1));
        File.WriteAllText(Path.Combine(garbage, "plugin.json"), """{ "id": "Garbage.Transport", "version": "1", "contractVersion": "2.0", "assemblies": ["Garbage.dll"], "provides": ["transport"] }""");
        var planner = temp.Sub("External.Planner");
        foreach (var file in Directory.EnumerateFiles(_external.Folder).Where(f => Path.GetFileName(f) != "plugin.json"))
        {
            File.Copy(file, Path.Combine(planner, Path.GetFileName(file)));
        }

        File.WriteAllText(Path.Combine(planner, "plugin.json"), """{ "id": "External.Planner", "version": "1.0.0", "contractVersion": "2.0", "assemblies": ["External.Planner.dll"], "provides": ["planner"] }""");

        var logs = new Unpacking.RecordingLoggerFactory();
        using var catalog = Peer.Composition.PluginCatalog.Load([temp.Path], logs);
        Assert.Empty(logs.Messages); // manifests read, nothing loaded yet
        Assert.Equal("reverse", catalog.Select<IChunkPlanner>(PluginKind.Planner, "reverse").Name);
        Assert.DoesNotContain(logs.Messages, m => m.Contains("Garbage", StringComparison.Ordinal));

        // Asking for a transport (or for every part) loads the broken plugin and reports it as before.
        Assert.Throws<PluginSelectionException>(() => catalog.Select<ITransport>(PluginKind.Transport, null));
        Assert.Contains(logs.Messages, m => m.Contains("Garbage.dll", StringComparison.Ordinal));
        Assert.Equal(["External.Planner", "Garbage.Transport"], catalog.Parts.Select(p => p.PluginId).Order(StringComparer.Ordinal).Distinct().ToArray());
        Assert.Equal(PluginStatus.Malfunctioned, catalog.Parts.Single(p => p.PluginId == "Garbage.Transport").Status);
    }

    [Fact]
    public void The_built_plugins_declare_what_they_provide()
    {
        foreach (var folder in Directory.EnumerateDirectories(PluginCatalog.DefaultDirectory))
        {
            var manifest = PluginManifest.Read(Path.Combine(folder, PluginManifest.FileName));
            Assert.NotNull(manifest.Provides);
            Assert.NotEmpty(manifest.Provides);
        }
    }
}
