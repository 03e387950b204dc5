using System.Composition;
using System.Reflection;

namespace LanSpread.Core.Composition;

/// <summary>
/// The base of the four export attributes: the kind, the name hosts select a part by and its priority,
/// read by System.Composition as <see cref="PluginExportMetadata"/>. The name is stated here only; the
/// contracts' <c>Name</c> members default to it (<see cref="NameOf"/>).
/// </summary>
/// <remarks>
/// System.Composition reads as metadata only the properties the attribute type itself declares, so each
/// derived attribute overrides the three (one line each) and the logic stays here.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public abstract class ExportPluginAttribute : ExportAttribute
{
    /// <summary>Creates the export.</summary>
    /// <param name="contract">The contract type exported.</param>
    /// <param name="kind">One of <see cref="PluginKind"/>.</param>
    /// <param name="name">The name hosts select it by.</param>
    protected ExportPluginAttribute(Type contract, string kind, string name)
        : base(contract)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Kind = kind;
        Name = name;
    }

    /// <summary>The plugin kind (one of <see cref="PluginKind"/>).</summary>
    public virtual string Kind { get; }

    /// <summary>The name hosts select it by.</summary>
    public virtual string Name { get; }

    /// <summary>Higher wins when the host does not select by name.</summary>
    public virtual int Priority { get; set; }

    /// <summary>The name in a part's export attribute, or its type name when it has none (a part built by hand).</summary>
    /// <param name="part">The part.</param>
    public static string NameOf(object part)
    {
        ArgumentNullException.ThrowIfNull(part);
        var type = part.GetType();
        return type.GetCustomAttribute<ExportPluginAttribute>(inherit: false)?.Name ?? type.Name;
    }
}
