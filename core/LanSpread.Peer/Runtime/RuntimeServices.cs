using LanSpread.Peer.Library;
using LanSpread.Peer.Peers;
using LanSpread.Peer.Server;

namespace LanSpread.Peer.Runtime;

/// <summary>The long-running services a runtime start-up creates before running them.</summary>
internal sealed record RuntimeServices(PeerServer Server, PingService Ping, LocalGameMonitor Monitor, CommandDispatcher Dispatcher);
