using Xunit;

namespace LanSpread.Cli.Tests.Scale;

/// <summary>The scale tests run one after another, never beside other tests of this assembly.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ScaleCollection
{
    public const string Name = "Scale";
}
