namespace LanSpread.Peer.Composition;

/// <summary>One entry of the catalog: a composed part (or a plugin that produced none) and its status.</summary>
/// <param name="PluginId">The manifest id (or folder name when there is no usable manifest).</param>
/// <param name="Kind">The part's kind (<see cref="Core.Composition.PluginKind"/>), or "?" when unknown.</param>
/// <param name="Name">The part's name, selectable by hosts.</param>
/// <param name="Version">The plugin's version.</param>
/// <param name="Priority">The part's priority.</param>
/// <param name="Status">Its status.</param>
/// <param name="Reason">Why it is not Active, else null.</param>
/// <param name="Directory">Where it was loaded from (empty for built-in parts).</param>
/// <param name="Instance">The part, when it was constructed.</param>
public sealed record PluginPart(
    string PluginId,
    string Kind,
    string Name,
    string Version,
    int Priority,
    PluginStatus Status,
    string? Reason,
    string Directory,
    object? Instance);
