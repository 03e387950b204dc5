using System.Composition;
using LanSpread.Core.Transport;

namespace LanSpread.Core.Composition;

/// <summary>
/// Exports a class as an encrypted peer transport (<see cref="ITransport"/>) with the metadata the plugin catalog selects by.
/// </summary>
[MetadataAttribute]
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ExportTransportAttribute : ExportAttribute
{
    /// <summary>Creates the export.</summary>
    /// <param name="name">The name hosts select it by.</param>
    public ExportTransportAttribute(string name)
        : base(typeof(ITransport))
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <summary>The plugin kind (<see cref="PluginKind.Transport"/>).</summary>
    public string Kind { get; } = PluginKind.Transport;

    /// <summary>The name hosts select it by.</summary>
    public string Name { get; }

    /// <summary>Higher wins when the host does not select by name.</summary>
    public int Priority { get; set; }
}
