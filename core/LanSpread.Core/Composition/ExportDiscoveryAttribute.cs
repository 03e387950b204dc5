using System.Composition;
using LanSpread.Core.Discovery;

namespace LanSpread.Core.Composition;

/// <summary>
/// Exports a class as a peer discovery mechanism (<see cref="IDiscovery"/>) with the metadata the plugin catalog selects by.
/// </summary>
[MetadataAttribute]
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ExportDiscoveryAttribute : ExportAttribute
{
    /// <summary>Creates the export.</summary>
    /// <param name="name">The name hosts select it by.</param>
    public ExportDiscoveryAttribute(string name)
        : base(typeof(IDiscovery))
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <summary>The plugin kind (<see cref="PluginKind.Discovery"/>).</summary>
    public string Kind { get; } = PluginKind.Discovery;

    /// <summary>The name hosts select it by.</summary>
    public string Name { get; }

    /// <summary>Higher wins when the host does not select by name.</summary>
    public int Priority { get; set; }
}
