using System.Net.Security;
using System.Runtime.CompilerServices;
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
        ServerCertificateContext = ContextFor(credentials.Certificate),
        // Mutual TLS: every client presents its peer certificate, so the server knows which peer it
        // serves (per-peer connection caps, logs). Anonymous clients are refused in the handshake.
        ClientCertificateRequired = true,
        RemoteCertificateValidationCallback = ValidateClient,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        CipherSuitesPolicy = PreferredCipherSuites,
        CertificateChainPolicy = PeerChainPolicy(),
    };

    public static SslClientAuthenticationOptions Client(TransportCredentials credentials) => new()
    {
        TargetHost = "lanspread",
        EnabledSslProtocols = SslProtocols.Tls13,
        ClientCertificateContext = ContextFor(credentials.Certificate),
        // Self-signed peer certificates: trust is "the certificate hashes to the advertised id",
        // checked after the handshake by the caller (see TlsConnectionPool).
        RemoteCertificateValidationCallback = static (_, certificate, _, _) => certificate is not null,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        CipherSuitesPolicy = PreferredCipherSuites,
        CertificateChainPolicy = PeerChainPolicy(),
    };

    // A certificate context builds the certificate's chain: once per identity, not once per connection
    // (a download opens several connections per peer).
    private static readonly ConditionalWeakTable<X509Certificate2, SslStreamCertificateContext> Contexts = new();

    // AES-128-GCM first: every byte of a game is encrypted once and decrypted once, and AES-128 takes 10
    // rounds where AES-256 takes 14 (OpenSSL's default order puts AES-256 first), so it costs ~25% less
    // CPU on both sides for a strength a LAN transfer does not lack. Only Linux and macOS let .NET set
    // the order; elsewhere the platform's default stands.
    private static CipherSuitesPolicy? PreferredCipherSuites { get; } = OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()
        ? new CipherSuitesPolicy([TlsCipherSuite.TLS_AES_128_GCM_SHA256, TlsCipherSuite.TLS_AES_256_GCM_SHA384, TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256])
        : null;

    private static int _warmedUp;

    /// <summary>
    /// Loads the system's root certificates on a pool thread, once per process. The first certificate
    /// context (our own identity's chain) needs them and loading them takes 100-200 ms; started when the
    /// transport is composed, it overlaps the rest of start-up instead of delaying the first handshake.
    /// </summary>
    public static void WarmUpInBackground()
    {
        if (Interlocked.Exchange(ref _warmedUp, 1) == 0)
        {
            _ = Task.Run(static () =>
            {
                try
                {
                    using var store = new X509Store(StoreName.Root, StoreLocation.LocalMachine);
                    store.Open(OpenFlags.ReadOnly);
                    _ = store.Certificates.Count;
                }
                catch (System.Security.Cryptography.CryptographicException)
                {
                    // Only a warm-up: the handshake loads (or fails) the same way without it.
                }
            });
        }
    }

    private static SslStreamCertificateContext ContextFor(X509Certificate2 certificate) =>
        Contexts.GetValue(certificate, static c => SslStreamCertificateContext.Create(c, additionalCertificates: null, offline: true));

    // Peer certificates are self-signed and judged by their hash (the callbacks), never by a CA: an empty
    // custom trust store spares every handshake loading the system's root certificates to build a chain
    // whose verdict is ignored anyway.
    private static X509ChainPolicy PeerChainPolicy() => new()
    {
        TrustMode = X509ChainTrustMode.CustomRootTrust,
        DisableCertificateDownloads = true,
        RevocationMode = X509RevocationMode.NoCheck,
    };

    // Clients are identified by their certificate's hash (self-signed, so the chain is not checked):
    // a certificate is required, any well-formed one names its peer.
    private static bool ValidateClient(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        certificate is not null && certificate.GetRawCertData().Length > 0;

    public static PeerId IdOf(X509Certificate? certificate) =>
        certificate is null ? default : PeerId.FromCertificate(certificate.GetRawCertData());
}
