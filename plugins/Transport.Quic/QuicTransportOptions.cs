namespace LanSpread.Transport.Quic;

/// <summary>Tuning of the QUIC transport.</summary>
public sealed class QuicTransportOptions
{
    /// <summary>The ALPN protocol name both ends must agree on.</summary>
    public string ApplicationProtocol { get; set; } = "lanspread";

    /// <summary>Concurrent bidirectional streams a peer may open towards us.</summary>
    public int MaxInboundBidirectionalStreams { get; set; } = 256;

    /// <summary>Initial per-stream receive window: large, so a bulk chunk is not throttled by window growth.</summary>
    public int InitialStreamReceiveWindow { get; set; } = 8 * 1024 * 1024;

    /// <summary>Connection-wide receive window.</summary>
    public int InitialConnectionReceiveWindow { get; set; } = 64 * 1024 * 1024;

    /// <summary>Idle time after which a connection closes.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
