namespace LanSpread.Plugins.Tests.Composition;

/// <summary>An options type for the binding tests.</summary>
public sealed class DemoOptions
{
    public int Count { get; set; } = 1;

    public string Name { get; set; } = "default";

    public IReadOnlyList<string> Items { get; set; } = [];
}
