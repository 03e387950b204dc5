namespace LanSpread.Transport.Tls;

/// <summary>Tuning of the TLS transport. Defaults were chosen by the benchmarks in <c>bench/</c>.</summary>
public sealed class TlsTransportOptions
{
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
}
