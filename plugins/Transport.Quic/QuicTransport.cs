using System.Composition;
using System.Net;
using System.Net.Quic;
using LanSpread.Core.Composition;
using LanSpread.Core.Model;
using LanSpread.Core.Transport;
using LanSpread.Transport.Quic.Internal;
using Microsoft.Extensions.Logging;

namespace LanSpread.Transport.Quic;

/// <summary>
/// QUIC (System.Net.Quic): one connection per peer, one bidirectional stream per request, ALPN
/// <c>lanspread</c>. Registers as supported only where libmsquic is present (QuicListener.IsSupported);
/// checked before anything else because ListenAsync throws before validating options otherwise.
/// </summary>
[ExportTransport("quic", Priority = 20)]
[Shared]
public sealed class QuicTransport : ITransport, IPlatformSupport
{
    private readonly ILoggerFactory _loggerFactory;

    /// <summary>Creates the transport; options come from <c>quic.*</c> settings.</summary>
    [ImportingConstructor]
    public QuicTransport(ILoggerFactory loggerFactory, PluginSettings settings)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(settings);
        _loggerFactory = loggerFactory;
        Options = settings.Bind<QuicTransportOptions>("quic");
    }

    /// <summary>The options in force.</summary>
    public QuicTransportOptions Options { get; }

    /// <inheritdoc />
    public bool IsSupported => QuicListener.IsSupported && QuicConnection.IsSupported;

    /// <inheritdoc />
    public string? NotSupportedReason => IsSupported
        ? null
        : OperatingSystem.IsLinux()
            ? "QUIC needs the native libmsquic (libmsquic.so.2), which is not installed on this machine; install Microsoft's libmsquic package or use --transport tls"
            : "QUIC is not supported on this platform (System.Net.Quic reports IsSupported = false)";

    /// <inheritdoc />
    public async ValueTask<ITransportListener> ListenAsync(IPEndPoint endPoint, TransportCredentials credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        ArgumentNullException.ThrowIfNull(credentials);
        EnsureSupported();
        return await QuicPeerListener.StartAsync(endPoint, credentials, Options, _loggerFactory.CreateLogger<QuicPeerListener>(), cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<ITransportConnection> ConnectAsync(IPEndPoint endPoint, PeerId? expectedPeer, TransportCredentials credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        ArgumentNullException.ThrowIfNull(credentials);
        EnsureSupported();
        return await QuicPeerConnection.ConnectAsync(endPoint, expectedPeer, credentials, Options, cancellationToken);
    }

    private void EnsureSupported()
    {
        if (!IsSupported)
        {
            throw new PlatformNotSupportedException(NotSupportedReason);
        }
    }
}
