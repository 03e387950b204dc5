using System.Security.Cryptography.X509Certificates;
using LanSpread.Core.Model;

namespace LanSpread.Core.Transport;

/// <summary>This peer's certificate (with its private key) and the id derived from it.</summary>
/// <param name="Certificate">The certificate presented to other peers.</param>
/// <param name="PeerId">The id derived from <paramref name="Certificate"/>.</param>
public sealed record TransportCredentials(X509Certificate2 Certificate, PeerId PeerId);
