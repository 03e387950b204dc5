using System.Net;
using LanSpread.Core.Model;

namespace LanSpread.Core.Discovery;

/// <summary>A peer found by a discovery mechanism.</summary>
/// <param name="PeerId">The id it advertised (null for a static peer whose id is learned on connect).</param>
/// <param name="Name">Its display name (may be provisional for static peers).</param>
/// <param name="EndPoints">Addresses it can be reached at, best first.</param>
/// <param name="ProtocolVersion">The protocol version it advertised (0 when unknown).</param>
/// <param name="Transports">The transports it advertised.</param>
/// <param name="Source">The discovery mechanism that found it.</param>
public sealed record DiscoveredPeer(PeerId? PeerId, string Name, IReadOnlyList<IPEndPoint> EndPoints, int ProtocolVersion, IReadOnlyList<string> Transports, string Source);
