using LanSpread.Core.Composition;
using LanSpread.Peer.Runtime;

namespace LanSpread.Peer.Hosting;

/// <summary>The <c>server.*</c> settings: runtime options set the way plugin settings are (<c>--set server.sendTimeout=10</c>).</summary>
internal sealed record ServerTuning(int? SendTimeoutSeconds, int? SendBufferBudget)
{
    public static ServerTuning Read(PluginSettings settings)
    {
        // GetInt32 with a sentinel: absent keys leave PeerRuntimeOptions' own defaults in force.
        var timeout = settings.GetInt32("server.sendTimeout", int.MinValue);
        var budget = settings.GetInt32("server.sendBufferBudget", int.MinValue);
        return new ServerTuning(timeout == int.MinValue ? null : timeout, budget == int.MinValue ? null : budget);
    }

    public void Apply(PeerRuntimeOptions options)
    {
        if (SendTimeoutSeconds is { } seconds)
        {
            options.SendTimeout = TimeSpan.FromSeconds(Math.Max(1, seconds));
        }

        if (SendBufferBudget is { } budget)
        {
            options.SendBufferBudget = Math.Max(64 * 1024, budget);
        }
    }
}
