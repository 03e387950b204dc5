namespace LanSpread.Core.Composition;

/// <summary>The kinds of plugin part the hosts compose.</summary>
public static class PluginKind
{
    /// <summary>An <see cref="Transport.ITransport"/>.</summary>
    public const string Transport = "transport";

    /// <summary>An <see cref="Discovery.IDiscovery"/>.</summary>
    public const string Discovery = "discovery";

    /// <summary>An <see cref="Unpacking.IUnpacker"/>.</summary>
    public const string Unpacker = "unpacker";

    /// <summary>An <see cref="Planning.IChunkPlanner"/>.</summary>
    public const string Planner = "planner";
}
