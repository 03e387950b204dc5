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
}
