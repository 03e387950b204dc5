using LanSpread.Core.Discovery;
using LanSpread.Core.Planning;
using LanSpread.Core.Transport;

namespace LanSpread.Peer.Runtime;

/// <summary>The plugin parts a runtime runs on, chosen by the host from the plugin catalog.</summary>
public sealed record PeerPlugins(ITransport Transport, IReadOnlyList<IDiscovery> Discoveries, IChunkPlanner Planner);
