using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using LanSpread.Core.Model;
using LanSpread.Core.Transport;

namespace LanSpread.Transport.Tls.Internal;

/// <summary>The TLS parameters both ends use: TLS 1.3 only, self-signed peer certificates checked by id.</summary>
internal static class TlsSettings
{
    public static SslServerAuthenticationOptions Server(TransportCredentials credentials) => new()
    {
        EnabledSslProtocols = SslProtocols.Tls13,
        ServerCertificateContext = SslStreamCertificateContext.Create(credentials.Certificate, additionalCertificates: null, offline: true),
        // Mutual TLS: every client presents its peer certificate, so the server knows which peer it
        // serves (per-peer connection caps, logs). Anonymous clients are refused in the handshake.
        ClientCertificateRequired = true,
        RemoteCertificateValidationCallback = ValidateClient,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
    };

    public static SslClientAuthenticationOptions Client(TransportCredentials credentials) => new()
    {
        TargetHost = "lanspread",
        EnabledSslProtocols = SslProtocols.Tls13,
        ClientCertificateContext = SslStreamCertificateContext.Create(credentials.Certificate, additionalCertificates: null, offline: true),
        // Self-signed peer certificates: trust is "the certificate hashes to the advertised id",
        // checked after the handshake by the caller (see TlsConnectionPool).
        RemoteCertificateValidationCallback = static (_, certificate, _, _) => certificate is not null,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
    };

    // Clients are identified by their certificate's hash (self-signed, so the chain is not checked):
    // a certificate is required, any well-formed one names its peer.
    private static bool ValidateClient(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        certificate is not null && certificate.GetRawCertData().Length > 0;

    public static PeerId IdOf(X509Certificate? certificate) =>
        certificate is null ? default : PeerId.FromCertificate(certificate.GetRawCertData());
}
