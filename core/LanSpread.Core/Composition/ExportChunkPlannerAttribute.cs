using System.Composition;
using LanSpread.Core.Planning;

namespace LanSpread.Core.Composition;

/// <summary>
/// Exports a class as a chunk planner (<see cref="IChunkPlanner"/>) with the metadata the plugin catalog selects by.
/// </summary>
[MetadataAttribute]
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ExportChunkPlannerAttribute : ExportAttribute
{
    /// <summary>Creates the export.</summary>
    /// <param name="name">The name hosts select it by.</param>
    public ExportChunkPlannerAttribute(string name)
        : base(typeof(IChunkPlanner))
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <summary>The plugin kind (<see cref="PluginKind.Planner"/>).</summary>
    public string Kind { get; } = PluginKind.Planner;

    /// <summary>The name hosts select it by.</summary>
    public string Name { get; }

    /// <summary>Higher wins when the host does not select by name.</summary>
    public int Priority { get; set; }
}
