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
        // Clients present their own certificate so the server learns their id, but anonymous clients
        // (openssl s_client, curl) are served too: the LAN trust model protects clients, not servers.
        ClientCertificateRequired = true,
        RemoteCertificateValidationCallback = ValidateClient,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        CipherSuitesPolicy = PreferredCipherSuites,
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
        CipherSuitesPolicy = PreferredCipherSuites,
    };

    // AES-128-GCM first: every byte of a game is encrypted once and decrypted once, and AES-128 takes 10
    // rounds where AES-256 takes 14 (OpenSSL's default order puts AES-256 first), so it costs ~25% less
    // CPU on both sides for a strength a LAN transfer does not lack. Only Linux and macOS let .NET set
    // the order; elsewhere the platform's default stands.
    private static CipherSuitesPolicy? PreferredCipherSuites { get; } = OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()
        ? new CipherSuitesPolicy([TlsCipherSuite.TLS_AES_128_GCM_SHA256, TlsCipherSuite.TLS_AES_256_GCM_SHA384, TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256])
        : null;

    // Clients are identified by their certificate's hash, not authenticated: anonymous clients and any
    // well-formed self-signed certificate are accepted (the LAN trust model protects clients).
    private static bool ValidateClient(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        certificate is null || certificate.GetRawCertData().Length > 0;

    public static PeerId IdOf(X509Certificate? certificate) =>
        certificate is null ? default : PeerId.FromCertificate(certificate.GetRawCertData());
}
