using System.Composition;
using System.Net;
using LanSpread.Core.Composition;
using LanSpread.Core.Model;
using LanSpread.Core.Transport;
using LanSpread.Transport.Tls.Internal;
using Microsoft.Extensions.Logging;

namespace LanSpread.Transport.Tls;

/// <summary>
/// TLS 1.3 over TCP. A "stream" is one request/response exchange on a pooled TLS connection, so a peer
/// pays one handshake per connection, not per chunk, and several requests to one peer run at once.
/// </summary>
[ExportTransport("tls", Priority = 10)]
[Shared]
public sealed class TlsTransport : ITransport
{
    private readonly ILoggerFactory _loggerFactory;

    /// <summary>Creates the transport; options come from <c>tls.*</c> plugin settings.</summary>
    [ImportingConstructor]
    public TlsTransport(ILoggerFactory loggerFactory, PluginSettings settings)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(settings);
        _loggerFactory = loggerFactory;
        Options = TlsTransportOptions.Bind(settings);
        TlsSettings.WarmUpInBackground();
    }

    /// <summary>The options in force.</summary>
    public TlsTransportOptions Options { get; }

    /// <inheritdoc />
    public ValueTask<ITransportListener> ListenAsync(IPEndPoint endPoint, TransportCredentials credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        ArgumentNullException.ThrowIfNull(credentials);
        return ValueTask.FromResult<ITransportListener>(TlsListener.Start(endPoint, credentials, Options, _loggerFactory.CreateLogger<TlsListener>()));
    }

    /// <inheritdoc />
    public async ValueTask<ITransportConnection> ConnectAsync(IPEndPoint endPoint, PeerId? expectedPeer, TransportCredentials credentials, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        ArgumentNullException.ThrowIfNull(credentials);
        var connection = new TlsConnectionPool(endPoint, expectedPeer, credentials, Options, _loggerFactory.CreateLogger<TlsConnectionPool>());
        try
        {
            // Handshake eagerly so an identity mismatch or an unreachable peer is reported here.
            await connection.WarmUpAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
