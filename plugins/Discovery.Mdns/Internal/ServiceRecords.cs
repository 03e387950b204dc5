using System.Net;
using System.Net.Sockets;
using LanSpread.Core.Discovery;
using Makaretu.Dns;

namespace LanSpread.Discovery.Mdns.Internal;

/// <summary>Our DNS-SD records (RFC 6763): PTR service → instance, SRV instance → host:port, TXT, A/AAAA.</summary>
internal sealed class ServiceRecords
{
    public ServiceRecords(DiscoveryAdvertisement self, MdnsDiscoveryOptions options, IReadOnlyList<IPAddress> addresses)
    {
        Self = self;
        ServiceName = new DomainName($"{options.ServiceType}.local");
        var label = Sanitize(self.Name);
        InstanceName = DomainName.Join(new DomainName($"{label}-{self.PeerId.Abbreviated.ToLowerInvariant()}"), ServiceName);
        HostName = new DomainName($"lanspread-{self.PeerId.Abbreviated.ToLowerInvariant()}.local");
        Ttl = options.RecordTtl;
        Addresses = addresses;
    }

    public static DomainName ServiceEnumeration { get; } = new("_services._dns-sd._udp.local");

    public DiscoveryAdvertisement Self { get; }

    public DomainName ServiceName { get; }

    public DomainName InstanceName { get; }

    public DomainName HostName { get; }

    public TimeSpan Ttl { get; }

    public IReadOnlyList<IPAddress> Addresses { get; }

    /// <summary>The full answer: PTR in answers, SRV/TXT/addresses as additional records. TTL 0 says goodbye.</summary>
    public Message Announcement(bool goodbye = false)
    {
        var ttl = goodbye ? TimeSpan.Zero : Ttl;
        var message = new Message { QR = true, AA = true };
        message.Answers.Add(new PTRRecord { Name = ServiceName, DomainName = InstanceName, TTL = ttl });
        message.Answers.Add(new SRVRecord { Name = InstanceName, Target = HostName, Port = (ushort)Self.Port, Priority = 0, Weight = 0, TTL = ttl });
        message.Answers.Add(new TXTRecord { Name = InstanceName, Strings = Txt(), TTL = ttl });
        foreach (var address in Addresses.Where(a => !IPAddress.IsLoopback(a)))
        {
            message.AdditionalRecords.Add(address.AddressFamily == AddressFamily.InterNetwork
                ? new ARecord { Name = HostName, Address = address, TTL = ttl }
                : new AAAARecord { Name = HostName, Address = address, TTL = ttl });
        }

        return message;
    }

    public Message ServiceTypeAnswer() => new()
    {
        QR = true,
        AA = true,
        Answers = { new PTRRecord { Name = ServiceEnumeration, DomainName = ServiceName, TTL = Ttl } },
    };

    /// <summary>The browse query, listing the instances we already know (RFC 6762 §7.1) so they stay silent.</summary>
    public Message Query(IEnumerable<PTRRecord>? knownAnswers = null)
    {
        var message = new Message();
        message.Questions.Add(new Question { Name = ServiceName, Type = DnsType.PTR });
        message.Answers.AddRange(knownAnswers ?? []);
        return message;
    }

    /// <summary>
    /// Known-answer suppression: a query that only browses our service type and already lists our
    /// instance with at least half its TTL left needs no answer from us.
    /// </summary>
    public bool KnownToAsker(Message query) =>
        query.Questions.All(q => q.Name == ServiceName && q.Type == DnsType.PTR)
        && query.Answers.OfType<PTRRecord>().Any(a => a.Name == ServiceName && a.DomainName == InstanceName && a.TTL >= Ttl / 2);

    /// <summary>Whether a question is about us.</summary>
    public bool Answers(Question question) =>
        (question.Name == ServiceName && question.Type is DnsType.PTR or DnsType.ANY)
        || (question.Name == InstanceName && question.Type is DnsType.SRV or DnsType.TXT or DnsType.ANY)
        || (question.Name == HostName && question.Type is DnsType.A or DnsType.AAAA or DnsType.ANY);

    private List<string> Txt() =>
    [
        "txtvers=1",
        $"id={Self.PeerId.Value}",
        $"name={Self.Name}",
        $"pv={Self.ProtocolVersion}",
        $"tr={string.Join(',', Self.Transports)}",
    ];

    private static string Sanitize(string name)
    {
        var cleaned = new string(name.Select(c => char.IsLetterOrDigit(c) || c == '-' ? c : '-').ToArray()).Trim('-');
        return cleaned.Length == 0 ? "peer" : cleaned.Length > 40 ? cleaned[..40] : cleaned;
    }
}
