using System.Composition;
using System.Composition.Hosting;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;
using LanSpread.Core;
using LanSpread.Core.Composition;
using LanSpread.Core.Discovery;
using LanSpread.Core.Planning;
using LanSpread.Core.Transport;
using LanSpread.Core.Unpacking;
using McMaster.NETCore.Plugins.Loader;
using Microsoft.Extensions.Logging;

namespace LanSpread.Peer.Composition;

/// <summary>
/// Finds plugin folders (<c>plugins/&lt;Name&gt;/plugin.json</c>), loads each in its own load context
/// sharing the contract types, composes its MEF2 exports and records a status per part. A plugin that
/// fails in any way is listed with the reason and never takes the host down. McMaster.NETCore.Plugins
/// stays behind this type so it can be swapped for a small AssemblyLoadContext subclass.
/// Loading is lazy where the manifest allows it: a plugin whose <c>plugin.json</c> says which kinds it
/// <c>provides</c> is loaded (assemblies, eager type check, composition) only when a part of one of those
/// kinds is first asked for, or when <see cref="Parts"/> lists everything; a short command then pays only
/// for the plugins it uses (`install` loads the unpacker alone). Manifests are still read at once, so a
/// bad or incompatible manifest is reported as before.
/// </summary>
public sealed class PluginCatalog : IDisposable
{
    // Types whose assemblies must have exactly one identity across load contexts (NOTES 1 and 2):
    // the contracts, the MEF attribute types (or a plugin's [Export] is invisible) and logging.
    private static readonly Type[] SharedTypes =
    [
        typeof(ITransport),
        typeof(ExportAttribute),
        typeof(ILogger),
        typeof(ILoggerFactory),
    ];

    private static readonly (Type Contract, string Kind)[] Contracts =
    [
        (typeof(ITransport), PluginKind.Transport),
        (typeof(IDiscovery), PluginKind.Discovery),
        (typeof(IUnpacker), PluginKind.Unpacker),
        (typeof(IChunkPlanner), PluginKind.Planner),
    ];

    // One slot per plugin folder, in folder order, so Parts lists in the same order however lazily
    // the folders were loaded.
    private readonly List<List<PluginPart>> _slots = [];
    private readonly List<(List<PluginPart> Slot, string Folder, PluginManifest Manifest)> _pending = [];
    // The shared assemblies' names, taken once (McMaster's PluginLoader took them per plugin).
    private static readonly AssemblyName[] SharedAssemblies = SharedTypes.Select(t => t.Assembly).Distinct().Select(a => a.GetName()).ToArray();

    private readonly List<AssemblyLoadContext> _contexts = [];
    private readonly List<CompositionHost> _containers = [];
    private readonly Lock _gate = new();
    private readonly ILogger _logger;
    private readonly Dictionary<Type, object> _hostValues;

    private PluginCatalog(ILogger logger, Dictionary<Type, object> hostValues)
    {
        _logger = logger;
        _hostValues = hostValues;
    }

    /// <summary>Every part found, usable or not (loads every plugin not loaded yet).</summary>
    public IReadOnlyList<PluginPart> Parts
    {
        get
        {
            lock (_gate)
            {
                LoadPending(kind: null);
                return _slots.SelectMany(s => s).ToList();
            }
        }
    }

    /// <summary>
    /// Loads the pending plugins whose manifest says they read one of <paramref name="sections"/>
    /// (<c>settings</c> in plugin.json), so their parts read the settings given; the others stay lazy.
    /// </summary>
    /// <param name="sections">Setting sections, e.g. <c>tls</c> for <c>tls.connectionsPerPeer</c>.</param>
    public void LoadReadersOf(IReadOnlyCollection<string> sections)
    {
        ArgumentNullException.ThrowIfNull(sections);
        lock (_gate)
        {
            for (var i = 0; i < _pending.Count; i++)
            {
                var (slot, folder, manifest) = _pending[i];
                if (manifest.Settings is { Count: > 0 } read && read.Any(r => sections.Contains(r, StringComparer.OrdinalIgnoreCase)))
                {
                    _pending.RemoveAt(i--);
                    LoadFolder(folder, manifest, slot);
                }
            }
        }
    }

    /// <summary>The default plugin folder beside the host executable.</summary>
    public static string DefaultDirectory => Path.Combine(AppContext.BaseDirectory, "plugins");

    /// <summary>Loads every plugin folder under the given roots (missing roots are skipped).</summary>
    /// <param name="roots">Directories holding one folder per plugin.</param>
    /// <param name="loggerFactory">Given to parts and used for the catalog's own log.</param>
    /// <param name="settings">Settings parts may import.</param>
    public static PluginCatalog Load(IEnumerable<string> roots, ILoggerFactory loggerFactory, PluginSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(roots);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var hostValues = new Dictionary<Type, object>
        {
            [typeof(ILoggerFactory)] = loggerFactory,
            [typeof(PluginSettings)] = settings ?? PluginSettings.Empty,
        };
        var catalog = new PluginCatalog(loggerFactory.CreateLogger<PluginCatalog>(), hostValues);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        // A relative root (--plugins ./mine) means the working directory's folder: resolved once here,
        // because the plugin load contexts resolve relative paths against other bases (all parts then
        // failed as Malfunctioned).
        foreach (var root in roots.Select(Path.GetFullPath).Where(Directory.Exists))
        {
            foreach (var folder in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
            {
                if (seen.Add(Path.GetFullPath(folder)))
                {
                    var slot = new List<PluginPart>();
                    catalog._slots.Add(slot);
                    catalog.ProbeFolder(folder, slot);
                }
            }
        }

        return catalog;
    }

    /// <summary>Adds a part the host provides itself (for example static-peer discovery).</summary>
    public void AddBuiltIn(string kind, string name, int priority, object instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        lock (_gate)
        {
            _slots.Add([new PluginPart("builtin", kind, name, typeof(PluginCatalog).Assembly.GetName().Version?.ToString(3) ?? "0",
            priority, PluginStatus.Active, null, string.Empty, instance)]);
        }
    }

    /// <summary>The Active parts of a kind, highest priority first.</summary>
    public IEnumerable<T> Active<T>(string kind) where T : class =>
        PartsOf(kind).Where(p => p.Status == PluginStatus.Active)
              .OrderByDescending(p => p.Priority)
              .Select(p => p.Instance)
              .OfType<T>();

    /// <summary>
    /// Selects a part by name, else the highest-priority Active one (Kestrel's "first factory that can
    /// bind"). Throws <see cref="PluginSelectionException"/> naming what is available.
    /// </summary>
    public T Select<T>(string kind, string? name) where T : class
    {
        var candidates = PartsOf(kind);
        var available = string.Join(", ", candidates.Where(p => p.Status == PluginStatus.Active).Select(p => p.Name).Distinct());
        if (string.IsNullOrEmpty(available))
        {
            available = "none";
        }

        if (name is null)
        {
            return Active<T>(kind).FirstOrDefault()
                ?? throw new PluginSelectionException($"no usable {kind} plugin was found (available: {available}); check `lanspread plugins`");
        }

        var match = candidates.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
        if (match is null)
        {
            throw new PluginSelectionException($"unknown {kind} '{name}' (available: {available})");
        }

        if (match.Status != PluginStatus.Active || match.Instance is not T part)
        {
            throw new PluginSelectionException($"{kind} '{name}' is {match.Status}: {match.Reason} (available: {available})");
        }

        return part;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var container in _containers)
        {
            container.Dispose();
        }

        // Unloading is cooperative and rarely complete (NOTES 7): the load contexts are not collectible,
        // a reload needs a restart.
    }

    /// <summary>The parts of a kind, loading first the pending plugins that provide it.</summary>
    private List<PluginPart> PartsOf(string kind)
    {
        lock (_gate)
        {
            LoadPending(kind);
            return _slots.SelectMany(s => s).Where(p => p.Kind == kind).ToList();
        }
    }

    private void LoadPending(string? kind)
    {
        for (var i = 0; i < _pending.Count; i++)
        {
            var (slot, folder, manifest) = _pending[i];
            if (kind is null || manifest.Provides!.Contains(kind, StringComparer.OrdinalIgnoreCase))
            {
                _pending.RemoveAt(i--);
                LoadFolder(folder, manifest, slot);
            }
        }
    }

    private void ProbeFolder(string folder, List<PluginPart> slot)
    {
        var folderName = Path.GetFileName(folder);
        var manifestPath = Path.Combine(folder, PluginManifest.FileName);
        if (!File.Exists(manifestPath))
        {
            Fail(slot, folderName, "?", PluginStatus.Malfunctioned, $"no {PluginManifest.FileName} in {folder}", folder);
            return;
        }

        PluginManifest manifest;
        try
        {
            manifest = PluginManifest.Read(manifestPath);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            Fail(slot, folderName, "?", PluginStatus.Malfunctioned, ex.Message, folder);
            return;
        }

        var target = Version.Parse(manifest.ContractVersion);
        if (!ContractVersion.IsCompatible(target))
        {
            Fail(slot, manifest.Id, manifest.Version, PluginStatus.Incompatible,
                $"targets contract {target}, this host implements {ContractVersion.Current}", folder);
            return;
        }

        // Lazy only when the manifest names kinds this host knows; otherwise load now, as before.
        if (manifest.Provides is { Count: > 0 } provides
            && provides.All(k => Contracts.Any(c => string.Equals(c.Kind, k, StringComparison.OrdinalIgnoreCase))))
        {
            _pending.Add((slot, folder, manifest));
            return;
        }

        LoadFolder(folder, manifest, slot);
    }

    private void LoadFolder(string folder, PluginManifest manifest, List<PluginPart> slot)
    {
        var started = Stopwatch.GetTimestamp();
        var assemblies = new List<Assembly>();
        foreach (var file in manifest.Assemblies)
        {
            var path = Path.Combine(folder, file);
            try
            {
                var context = CreateLoadContext(path);
                _contexts.Add(context);
                var assembly = context.LoadFromAssemblyPath(path);
                _ = assembly.GetTypes(); // validate eagerly (NOTES 5)
                assemblies.Add(assembly);
            }
            catch (ReflectionTypeLoadException ex)
            {
                var first = ex.LoaderExceptions.FirstOrDefault(e => e is not null)?.Message ?? ex.Message;
                Fail(slot, manifest.Id, manifest.Version, PluginStatus.Malfunctioned, $"{file}: types failed to load: {first}", folder);
                return;
            }
            catch (Exception ex)
            {
                Fail(slot, manifest.Id, manifest.Version, PluginStatus.Malfunctioned, $"{file}: {ex.GetType().Name}: {ex.Message}", folder);
                return;
            }
        }

        CompositionHost container;
        try
        {
            container = new ContainerConfiguration()
                .WithAssemblies(assemblies)
                .WithProvider(new HostValueExportProvider(_hostValues))
                .CreateContainer();
            _containers.Add(container);
        }
        catch (Exception ex)
        {
            Fail(slot, manifest.Id, manifest.Version, PluginStatus.Malfunctioned, $"composition failed: {ex.Message}", folder);
            return;
        }

        var found = 0;
        foreach (var (contract, kind) in Contracts)
        {
            found += ComposeParts(slot, container, contract, kind, manifest, folder);
        }

        _logger.LogDebug("Plugin {PluginId} loaded and composed in {Milliseconds:F1} ms", manifest.Id, Stopwatch.GetElapsedTime(started).TotalMilliseconds);

        if (found == 0)
        {
            Fail(slot, manifest.Id, manifest.Version, PluginStatus.Malfunctioned,
                "no exported parts (is System.Composition.AttributedModel shared, and is the class exported by contract?)", folder);
        }
    }

    /// <summary>
    /// McMaster's load context for one plugin assembly, built as its <c>PluginLoader</c> builds it with
    /// <c>PreferSharedTypes</c>, minus two things a plugin folder here never needs and a short command pays
    /// for (issue 20): reading the plugin's and the host's runtimeconfig(.dev).json for additional probing
    /// paths (reflection-based JSON, ~200 methods JIT-compiled, plus a read of /proc/self/maps per file) —
    /// every plugin carries its dependencies in its own folder, resolved through its .deps.json — and walking
    /// the shared assemblies' whole reference closure up front (lazy instead: with the default context
    /// preferred for every name, the closure only decided what is tried first, which is everything).
    /// </summary>
    private static AssemblyLoadContext CreateLoadContext(string mainAssemblyPath)
    {
        var builder = new AssemblyLoadContextBuilder()
            .SetMainAssemblyPath(mainAssemblyPath)
            .SetDefaultContext(AssemblyLoadContext.GetLoadContext(typeof(PluginCatalog).Assembly) ?? AssemblyLoadContext.Default)
            .PreferDefaultLoadContext(true)
            .IsLazyLoaded(true);
        foreach (var shared in SharedAssemblies)
        {
            builder.PreferDefaultLoadContextAssembly(shared);
        }

        return builder.Build();
    }

    private int ComposeParts(List<PluginPart> slot, CompositionHost container, Type contract, string kind, PluginManifest manifest, string folder)
    {
        // Lazy<T, PluginExportMetadata> via reflection over the four contract types.
        var lazyType = typeof(Lazy<,>).MakeGenericType(contract, typeof(PluginExportMetadata));
        IEnumerable<object> exports;
        try
        {
            exports = container.GetExports(lazyType).ToList();
        }
        catch (Exception ex)
        {
            Fail(slot, manifest.Id, manifest.Version, PluginStatus.Malfunctioned, $"{kind} exports failed: {ex.Message}", folder);
            return 1;
        }

        var count = 0;
        foreach (var export in exports)
        {
            count++;
            var metadata = (PluginExportMetadata)lazyType.GetProperty("Metadata")!.GetValue(export)!;
            var name = string.IsNullOrEmpty(metadata.Name) ? manifest.Id : metadata.Name;
            object? instance;
            try
            {
                instance = lazyType.GetProperty("Value")!.GetValue(export);
            }
            catch (TargetInvocationException ex)
            {
                var inner = ex.InnerException ?? ex;
                AddPart(slot, manifest, kind, name, metadata.Priority, PluginStatus.Malfunctioned, $"constructor threw {inner.GetType().Name}: {inner.Message}", folder, null);
                continue;
            }

            if (instance is IPlatformSupport { IsSupported: false } platform)
            {
                AddPart(slot, manifest, kind, name, metadata.Priority, PluginStatus.NotSupported, platform.NotSupportedReason ?? "not supported on this platform", folder, instance);
                continue;
            }

            AddPart(slot, manifest, kind, name, metadata.Priority, PluginStatus.Active, null, folder, instance);
        }

        return count;
    }

    private void AddPart(List<PluginPart> slot, PluginManifest manifest, string kind, string name, int priority, PluginStatus status, string? reason, string folder, object? instance)
    {
        if (status == PluginStatus.NotSupported)
        {
            // A platform fact (QUIC without libmsquic), not a fault: every command would repeat it. A
            // user who asks for the plugin by name gets the reason from Select; `plugins` lists it.
            _logger.LogDebug("Plugin {PluginId} {Kind} {Name} is {Status}: {Reason}", manifest.Id, kind, name, status, reason);
        }
        else if (status != PluginStatus.Active)
        {
            _logger.LogWarning("Plugin {PluginId} {Kind} {Name} is {Status}: {Reason}", manifest.Id, kind, name, status, reason);
        }

        slot.Add(new PluginPart(manifest.Id, kind, name, manifest.Version, priority, status, reason, folder, instance));
    }

    private void Fail(List<PluginPart> slot, string id, string version, PluginStatus status, string reason, string folder)
    {
        _logger.LogWarning("Plugin folder {Folder} is {Status}: {Reason}", folder, status, reason);
        slot.Add(new PluginPart(id, "?", id, version, 0, status, reason, folder, null));
    }
}
