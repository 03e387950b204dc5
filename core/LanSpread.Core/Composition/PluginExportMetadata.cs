namespace LanSpread.Core.Composition;

/// <summary>The metadata view of a plugin export (filled by System.Composition from the export attribute).</summary>
public sealed class PluginExportMetadata
{
    /// <summary>One of <see cref="PluginKind"/>.</summary>
    public string Kind { get; set; } = string.Empty;

    /// <summary>The name hosts select the part by.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Higher wins when nothing is selected by name.</summary>
    public int Priority { get; set; }
}
