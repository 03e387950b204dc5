using System.Composition;
using LanSpread.Core.Composition;
using LanSpread.Core.Discovery;
using Microsoft.Extensions.Logging;

namespace LanSpread.Discovery.Mdns;

/// <summary>
/// DNS-SD over multicast DNS on the local link. The wire format comes from Makaretu.Dns; the multicast
/// sockets are our own because Makaretu.Dns.Multicast does not run on .NET 10 here (DESIGN D).
/// </summary>
[ExportDiscovery("mdns", Priority = 10)]
[Shared]
public sealed class MdnsDiscovery : IDiscovery
{
    private readonly ILogger _logger;

    /// <summary>Creates the discovery part.</summary>
    [ImportingConstructor]
    public MdnsDiscovery(ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _logger = loggerFactory.CreateLogger<MdnsDiscovery>();
    }

    /// <summary>The options in force.</summary>
    public MdnsDiscoveryOptions Options { get; } = new();

    /// <inheritdoc />
    public string Name => "mdns";

    /// <inheritdoc />
    public ValueTask<IDiscoverySession> StartAsync(DiscoveryAdvertisement self, IDiscoveryObserver observer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(self);
        ArgumentNullException.ThrowIfNull(observer);
        _logger.LogWarning("mDNS discovery is not implemented yet (issue 5); use --peer HOST:PORT");
        throw new NotSupportedException("mDNS discovery is not implemented yet (issue 5); use --peer HOST:PORT with --no-mdns");
    }
}
