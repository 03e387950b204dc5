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

    /// <summary>Creates the discovery part; options come from <c>mdns.*</c> settings (<c>mdns.queryInterval=00:00:02</c>).</summary>
    [ImportingConstructor]
    public MdnsDiscovery(ILoggerFactory loggerFactory, PluginSettings settings)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(settings);
        _logger = loggerFactory.CreateLogger<MdnsDiscovery>();
        Options = settings.Bind<MdnsDiscoveryOptions>("mdns");
    }

    /// <summary>The options in force.</summary>
    public MdnsDiscoveryOptions Options { get; }

    /// <inheritdoc />
    public ValueTask<IDiscoverySession> StartAsync(DiscoveryAdvertisement self, IDiscoveryObserver observer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(self);
        ArgumentNullException.ThrowIfNull(observer);
        try
        {
            return ValueTask.FromResult<IDiscoverySession>(new Internal.MdnsSession(self, observer, Options, _logger));
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            throw new InvalidOperationException($"mDNS cannot open UDP port 5353 ({ex.Message}); use --peer HOST:PORT with --no-mdns", ex);
        }
    }
}
