namespace LanSpread.Discovery.Mdns;

/// <summary>Tuning of mDNS discovery.</summary>
public sealed class MdnsDiscoveryOptions
{
    /// <summary>The DNS-SD service type peers advertise and browse.</summary>
    public string ServiceType { get; set; } = "_lanspread._tcp";

    /// <summary>
    /// First interval of the browse queries after the initial burst; it doubles after each query up to
    /// <see cref="MaxQueryInterval"/> (RFC 6762 §5.2). Known peers are listed in every query, so in a
    /// settled party nobody answers them; they only find a peer whose announcements were missed.
    /// </summary>
    public TimeSpan QueryInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest interval between browse queries.</summary>
    public TimeSpan MaxQueryInterval { get; set; } = TimeSpan.FromMinutes(4);

    /// <summary>TTL of our records; peers drop a record not refreshed within it.</summary>
    public TimeSpan RecordTtl { get; set; } = TimeSpan.FromSeconds(120);
}
