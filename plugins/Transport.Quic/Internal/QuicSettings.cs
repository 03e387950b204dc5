using System.Net.Quic;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using LanSpread.Core.Model;
using LanSpread.Core.Transport;

namespace LanSpread.Transport.Quic.Internal;

/// <summary>Connection options for both ends; QUIC always runs TLS 1.3.</summary>
internal static class QuicSettings
{
    public static QuicServerConnectionOptions Server(TransportCredentials credentials, QuicTransportOptions options) => new()
    {
        DefaultStreamErrorCode = 1,
        DefaultCloseErrorCode = 0,
        MaxInboundBidirectionalStreams = options.MaxInboundBidirectionalStreams,
        MaxInboundUnidirectionalStreams = 0,
        IdleTimeout = options.IdleTimeout,
        InitialReceiveWindowSizes = Windows(options),
        ServerAuthenticationOptions = new SslServerAuthenticationOptions
        {
            ApplicationProtocols = [new SslApplicationProtocol(options.ApplicationProtocol)],
            EnabledSslProtocols = SslProtocols.Tls13,
            ServerCertificate = credentials.Certificate,
            ClientCertificateRequired = true,
            RemoteCertificateValidationCallback = ValidateClient,
        },
    };

    public static QuicClientConnectionOptions Client(System.Net.IPEndPoint endPoint, TransportCredentials credentials, QuicTransportOptions options) => new()
    {
        RemoteEndPoint = endPoint,
        DefaultStreamErrorCode = 1,
        DefaultCloseErrorCode = 0,
        MaxInboundBidirectionalStreams = 0,
        IdleTimeout = options.IdleTimeout,
        InitialReceiveWindowSizes = Windows(options),
        ClientAuthenticationOptions = new SslClientAuthenticationOptions
        {
            ApplicationProtocols = [new SslApplicationProtocol(options.ApplicationProtocol)],
            TargetHost = "lanspread",
            EnabledSslProtocols = SslProtocols.Tls13,
            ClientCertificates = [credentials.Certificate],
            RemoteCertificateValidationCallback = static (_, certificate, _, _) => certificate is not null,
        },
    };

    public static PeerId IdOf(X509Certificate? certificate) =>
        certificate is null ? default : PeerId.FromCertificate(certificate.GetRawCertData());

    private static QuicReceiveWindowSizes Windows(QuicTransportOptions options) => new()
    {
        Connection = options.InitialConnectionReceiveWindow,
        RemotelyInitiatedBidirectionalStream = options.InitialStreamReceiveWindow,
        LocallyInitiatedBidirectionalStream = options.InitialStreamReceiveWindow,
    };

    // Mutual TLS, as over TCP: a client without a certificate is refused; any well-formed self-signed
    // certificate names its peer (the id is its hash).
    private static bool ValidateClient(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        certificate is not null && certificate.GetRawCertData().Length > 0;
}
