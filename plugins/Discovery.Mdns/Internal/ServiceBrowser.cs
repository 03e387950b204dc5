using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using LanSpread.Core.Discovery;
using LanSpread.Core.Model;
using Makaretu.Dns;

namespace LanSpread.Discovery.Mdns.Internal;

/// <summary>
/// Turns mDNS responses into peers: PTR for our service type → instance → SRV (port), TXT (id, name,
/// protocol version, transports) and A/AAAA (addresses) from the same packet, falling back to the
/// packet's source address. Sightings of an unchanged peer are folded (a Linux host hears its own
/// and others' packets on several interfaces) and reported again only after a quiet period. Every
/// sighting refreshes the record's TTL (RFC 6762 §10); a peer not heard within its TTL expires (gone,
/// like a goodbye), and peers heard recently are the known answers of our queries (§7.1). A record
/// that reaches its refresh point (80 % of its TTL plus up to 2 % at random, §5.2) unheard asks for a
/// query; so do the retries at 85, 90 and 95 %.
/// </summary>
internal sealed class ServiceBrowser(ServiceRecords self, IDiscoveryObserver observer)
{
    private const int MaxTxtValue = 256;
    private static readonly TimeSpan Refold = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, Sighting> _seen = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Instances whose records have more than half their TTL left: a query lists them as known answers.</summary>
    public IReadOnlyList<PTRRecord> KnownAnswers(DateTime now) =>
        _seen.Values.Where(s => s.Heard + (s.Ttl / 2) > now)
            .Select(s => new PTRRecord { Name = self.ServiceName, DomainName = s.Instance, TTL = s.Ttl - (now - s.Heard) })
            .ToList();

    /// <summary>
    /// Whether a known record reached its next refresh point unheard (a query without it among the known
    /// answers makes its owner answer); each point is taken once, so the retries follow at 85, 90 and 95 %.
    /// </summary>
    public bool TakeRefreshDue(DateTime now)
    {
        var due = false;
        foreach (var (instance, sighting) in _seen)
        {
            if (sighting.Ttl <= TimeSpan.Zero || sighting.RefreshAt >= 1)
            {
                continue;
            }

            var age = (now - sighting.Heard) / sighting.Ttl;
            if (age >= sighting.RefreshAt)
            {
                // The next point only if it is still unheard then; a newer sighting replaced this one otherwise.
                due |= _seen.TryUpdate(instance, sighting with { RefreshAt = Math.Max(sighting.RefreshAt, age) + 0.05 }, sighting);
            }
        }

        return due;
    }

    /// <summary>Drops peers not heard within their records' TTL and reports them gone.</summary>
    public void Expire(DateTime now)
    {
        foreach (var (instance, sighting) in _seen)
        {
            if (sighting.Heard + sighting.Ttl < now && _seen.TryRemove(new KeyValuePair<string, Sighting>(instance, sighting)))
            {
                observer.OnPeerGone(sighting.Id, $"mDNS records expired (not heard for {sighting.Ttl.TotalSeconds:0}s)");
            }
        }
    }

    /// <summary>Returns the instances that were named but lacked SRV/TXT (worth a query).</summary>
    public IReadOnlyList<DomainName> OnResponse(Message message, IPEndPoint source)
    {
        var records = message.Answers.Concat(message.AdditionalRecords).ToList();
        var unresolved = new List<DomainName>();
        foreach (var ptr in records.OfType<PTRRecord>().Where(p => p.Name == self.ServiceName))
        {
            var instance = ptr.DomainName;
            if (instance == self.InstanceName)
            {
                continue;
            }

            if (ptr.TTL == TimeSpan.Zero)
            {
                if (_seen.TryRemove(instance.ToString(), out var gone))
                {
                    observer.OnPeerGone(gone.Id, "said goodbye (mDNS)");
                }

                continue;
            }

            var srv = records.OfType<SRVRecord>().FirstOrDefault(r => r.Name == instance);
            var txt = records.OfType<TXTRecord>().FirstOrDefault(r => r.Name == instance);
            if (srv is null || txt is null)
            {
                unresolved.Add(instance);
                continue;
            }

            var fields = ParseTxt(txt.Strings);
            if (!fields.TryGetValue("id", out var idText) || !PeerId.TryParse(idText, out var id) || id == self.Self.PeerId)
            {
                continue;
            }

            var addresses = records.OfType<AddressRecord>().Where(a => a.Name == srv.Target).Select(a => a.Address)
                .Where(a => a.AddressFamily == AddressFamily.InterNetwork || !a.IsIPv6LinkLocal || a.ScopeId != 0)
                .OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1)
                .ToList();
            if (addresses.Count == 0)
            {
                addresses.Add(source.Address);
            }

            var endPoints = addresses.Distinct().Select(a => new IPEndPoint(a, srv.Port)).ToList();
            var name = fields.GetValueOrDefault("name") is { Length: > 0 } n ? n : instance.Labels[0];
            var protocol = int.TryParse(fields.GetValueOrDefault("pv"), out var pv) ? pv : 0;
            var transports = (fields.GetValueOrDefault("tr") ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries);
            var key = $"{id}|{name}|{string.Join(',', endPoints)}";
            var now = DateTime.UtcNow;
            if (_seen.TryGetValue(instance.ToString(), out var last) && last.Key == key && now - last.Reported < Refold)
            {
                _seen[instance.ToString()] = last with { Heard = now, Ttl = ptr.TTL, RefreshAt = RefreshPoint() };
                continue; // a duplicate of a sighting just reported
            }

            _seen[instance.ToString()] = new Sighting(instance, id, key, now, now, ptr.TTL, RefreshPoint());
            observer.OnPeerFound(new DiscoveredPeer(id, name, endPoints, protocol, transports, "mdns"));
        }

        return unresolved;
    }

    internal static Dictionary<string, string> ParseTxt(IEnumerable<string> strings)
    {
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in strings.Take(32))
        {
            var eq = entry.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || entry.Length - eq - 1 > MaxTxtValue)
            {
                continue; // absurd or valueless entries are ignored, not fatal
            }

            fields.TryAdd(entry[..eq], entry[(eq + 1)..]);
        }

        return fields;
    }

    /// <summary>RFC 6762 §5.2: 80 % of the TTL plus 0–2 %, so the peers that share a record do not all ask at once.</summary>
    private static double RefreshPoint() => 0.80 + (Random.Shared.NextDouble() * 0.02);

    // RefreshAt: the fraction of the TTL unheard at which a refresh query is due.
    private sealed record Sighting(DomainName Instance, PeerId Id, string Key, DateTime Reported, DateTime Heard, TimeSpan Ttl, double RefreshAt);
}
