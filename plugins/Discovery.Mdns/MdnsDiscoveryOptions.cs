namespace LanSpread.Discovery.Mdns;

/// <summary>Tuning of mDNS discovery.</summary>
public sealed class MdnsDiscoveryOptions
{
    /// <summary>The DNS-SD service type peers advertise and browse.</summary>
    public string ServiceType { get; set; } = "_lanspread._tcp";

    /// <summary>Interval of re-announcements and queries after the initial burst.</summary>
    public TimeSpan QueryInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>TTL of our records; peers drop a record not refreshed within it.</summary>
    public TimeSpan RecordTtl { get; set; } = TimeSpan.FromSeconds(120);
}
