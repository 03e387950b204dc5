using System.Composition;
using LanSpread.Core.Unpacking;

namespace LanSpread.Core.Composition;

/// <summary>
/// Exports a class as a game-archive unpacker (<see cref="IUnpacker"/>) with the metadata the plugin catalog selects by.
/// </summary>
[MetadataAttribute]
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ExportUnpackerAttribute : ExportAttribute
{
    /// <summary>Creates the export.</summary>
    /// <param name="name">The name hosts select it by.</param>
    public ExportUnpackerAttribute(string name)
        : base(typeof(IUnpacker))
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <summary>The plugin kind (<see cref="PluginKind.Unpacker"/>).</summary>
    public string Kind { get; } = PluginKind.Unpacker;

    /// <summary>The name hosts select it by.</summary>
    public string Name { get; }

    /// <summary>Higher wins when the host does not select by name.</summary>
    public int Priority { get; set; }
}
