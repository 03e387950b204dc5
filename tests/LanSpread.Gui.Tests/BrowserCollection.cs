using Xunit;

namespace LanSpread.Gui.Tests;

/// <summary>The browser tests share one Chromium and run one after another (each starts its own GUI and seeders).</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<ChromiumFixture>
{
    public const string Name = "browser";
}
