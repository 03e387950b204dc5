using LanSpread.Core.Model;

namespace LanSpread.Core.Discovery;

/// <summary>What a peer advertises about itself.</summary>
/// <param name="PeerId">Its certificate-derived id.</param>
/// <param name="Name">Its display name.</param>
/// <param name="Port">The port its transport listens on.</param>
/// <param name="ProtocolVersion">The wire protocol version it speaks.</param>
/// <param name="Transports">The transports it accepts (<c>tls</c>, <c>quic</c>).</param>
public sealed record DiscoveryAdvertisement(PeerId PeerId, string Name, int Port, int ProtocolVersion, IReadOnlyList<string> Transports);
