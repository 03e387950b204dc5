using System.Composition;
using LanSpread.Core.Planning;

namespace LanSpread.Core.Composition;

/// <summary>
/// Exports a class as a chunk planner (<see cref="IChunkPlanner"/>) with the metadata the plugin catalog selects by.
/// </summary>
[MetadataAttribute]
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ExportChunkPlannerAttribute : ExportPluginAttribute
{
    /// <summary>Creates the export.</summary>
    /// <param name="name">The name hosts select it by.</param>
    public ExportChunkPlannerAttribute(string name)
        : base(typeof(IChunkPlanner), PluginKind.Planner, name)
    {
    }

    // Re-declared for System.Composition's metadata reader (see ExportPluginAttribute).

    /// <inheritdoc />
    public override string Kind => base.Kind;

    /// <inheritdoc />
    public override string Name => base.Name;

    /// <inheritdoc />
    public override int Priority { get => base.Priority; set => base.Priority = value; }
}
