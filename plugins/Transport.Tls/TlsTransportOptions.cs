using LanSpread.Core.Composition;

namespace LanSpread.Transport.Tls;

/// <summary>
/// Tuning of the TLS transport, bound from the <c>tls.*</c> settings (each property is a key:
/// <c>tls.connectionsPerPeer=4</c>, <c>tls.serverIdleTimeout=00:02:00</c>). Defaults were chosen by the
/// benchmarks in <c>bench/</c> and are stated here only.
/// </summary>
public sealed class TlsTransportOptions
{
    /// <summary>The settings section.</summary>
    public const string Section = "tls";

    /// <summary>The longest timeout accepted: a bare number binds as days, so "120" meant as seconds is refused, not kept for 120 days.</summary>
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromDays(1);

    /// <summary>
    /// Most TLS connections kept to one peer. Each carries one request at a time, so this bounds the
    /// concurrent chunk requests per peer; several connections let transfers overlap and use both cores.
    /// </summary>
    public int ConnectionsPerPeer { get; set; } = 8;

    /// <summary>Time allowed for a TCP connect plus TLS handshake.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A pooled client connection idle longer than this is closed instead of reused.</summary>
    public TimeSpan PooledConnectionIdleTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Idle connections beyond the most recently used one (a download opened them) are closed after this
    /// long, so a peer keeps one connection per peer it talks to, not <see cref="ConnectionsPerPeer"/>.
    /// </summary>
    public TimeSpan SpareConnectionIdleTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The server closes a connection that sends no request for this long.</summary>
    public TimeSpan ServerIdleTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>
    /// Most inbound connections the server holds at once, handshakes included; more are closed on accept.
    /// Bounds sockets, TLS state and buffers whatever the LAN throws at the server.
    /// </summary>
    public int MaxServerConnections { get; set; } = 256;

    /// <summary>
    /// Most inbound connections from one peer (one certificate); more are closed after the handshake.
    /// Well above a client's <see cref="ConnectionsPerPeer"/>, so honest peers never meet it.
    /// </summary>
    public int MaxConnectionsPerPeer { get; set; } = 32;

    /// <summary>
    /// Most connections from one address (one machine on a LAN), handshakes included: what one host can
    /// hold open whatever number of certificates it makes up. Four times a client's pool of 8 connections per peer.
    /// </summary>
    public int MaxConnectionsPerAddress { get; set; } = 32;

    /// <summary>Most handshakes in progress from one address (before the peer's id is known).</summary>
    public int MaxHandshakesPerAddress { get; set; } = 32;

    /// <summary>Binds the options from <paramref name="settings"/>; a value out of range is reported there (the host refuses to run) and its default kept.</summary>
    /// <param name="settings">The plugin settings.</param>
    public static TlsTransportOptions Bind(PluginSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var options = settings.Bind<TlsTransportOptions>(Section);
        var defaults = new TlsTransportOptions();
        options.ConnectionsPerPeer = AtLeastOne(settings, nameof(ConnectionsPerPeer), options.ConnectionsPerPeer, defaults.ConnectionsPerPeer);
        options.MaxServerConnections = AtLeastOne(settings, nameof(MaxServerConnections), options.MaxServerConnections, defaults.MaxServerConnections);
        options.MaxConnectionsPerPeer = AtLeastOne(settings, nameof(MaxConnectionsPerPeer), options.MaxConnectionsPerPeer, defaults.MaxConnectionsPerPeer);
        options.MaxConnectionsPerAddress = AtLeastOne(settings, nameof(MaxConnectionsPerAddress), options.MaxConnectionsPerAddress, defaults.MaxConnectionsPerAddress);
        options.MaxHandshakesPerAddress = AtLeastOne(settings, nameof(MaxHandshakesPerAddress), options.MaxHandshakesPerAddress, defaults.MaxHandshakesPerAddress);
        options.HandshakeTimeout = Timeout(settings, nameof(HandshakeTimeout), options.HandshakeTimeout, defaults.HandshakeTimeout);
        options.PooledConnectionIdleTimeout = Timeout(settings, nameof(PooledConnectionIdleTimeout), options.PooledConnectionIdleTimeout, defaults.PooledConnectionIdleTimeout);
        options.SpareConnectionIdleTimeout = Timeout(settings, nameof(SpareConnectionIdleTimeout), options.SpareConnectionIdleTimeout, defaults.SpareConnectionIdleTimeout);
        options.ServerIdleTimeout = Timeout(settings, nameof(ServerIdleTimeout), options.ServerIdleTimeout, defaults.ServerIdleTimeout);
        return options;
    }

    private static string Key(string property) => $"{Section}.{char.ToLowerInvariant(property[0])}{property[1..]}";

    private static int AtLeastOne(PluginSettings settings, string property, int value, int fallback)
    {
        if (value >= 1)
        {
            return value;
        }

        settings.Reject(Key(property), $"{value} must be at least 1");
        return fallback;
    }

    private static TimeSpan Timeout(PluginSettings settings, string property, TimeSpan value, TimeSpan fallback)
    {
        if (value > TimeSpan.Zero && value <= MaxTimeout)
        {
            return value;
        }

        settings.Reject(Key(property), $"{value} must be more than 0 and at most a day, written hh:mm:ss (e.g. 00:02:00; a bare number is days)");
        return fallback;
    }
}
