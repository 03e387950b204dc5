using LanSpread.Peer.Library;
using LanSpread.Peer.Peers;
using LanSpread.Peer.Server;

namespace LanSpread.Peer.Runtime;

/// <summary>The services a runtime start-up creates before running them: the connector discovery reports to, and the long-running ones.</summary>
internal sealed record RuntimeServices(PeerConnector Connector, PeerServer Server, PingService Ping, LocalGameMonitor Monitor, CommandDispatcher Dispatcher);
