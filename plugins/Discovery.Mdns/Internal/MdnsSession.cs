using System.Net;
using System.Net.Sockets;
using LanSpread.Core.Discovery;
using Makaretu.Dns;
using Microsoft.Extensions.Logging;

namespace LanSpread.Discovery.Mdns.Internal;

/// <summary>
/// A running advertisement and browse. Each socket is read by its own dedicated (non-pool) thread,
/// and announcements/queries run on one more, so blocking socket work never touches the thread pool.
/// Announces three times at start (RFC 6762 §8.3), then every query interval; answers questions
/// about us; says goodbye (TTL 0) on dispose.
/// </summary>
internal sealed class MdnsSession : IDiscoverySession
{
    private const int MaxPacket = 9000;

    private readonly MdnsDiscoveryOptions _options;
    private readonly ILogger _logger;
    private readonly MulticastEndpoint _endpoint;
    private readonly ManualResetEventSlim _stopping = new();
    private readonly List<Thread> _threads = [];
    private readonly Lock _gate = new();
    private ServiceRecords _records;
    private ServiceBrowser _browser;
    private readonly IDiscoveryObserver _observer;

    public MdnsSession(DiscoveryAdvertisement self, IDiscoveryObserver observer, MdnsDiscoveryOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _observer = observer;
        _endpoint = new MulticastEndpoint();
        _records = new ServiceRecords(self, options, _endpoint.LocalAddresses);
        _browser = new ServiceBrowser(_records, observer);
        Start("mdns-receive-v4", () => ReceiveLoop(_endpoint.V4));
        if (_endpoint.V6 is { } v6)
        {
            Start("mdns-receive-v6", () => ReceiveLoop(v6));
        }

        Start("mdns-announce", AnnounceLoop);
    }

    public ValueTask UpdateAsync(DiscoveryAdvertisement self, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _records = new ServiceRecords(self, _options, _endpoint.LocalAddresses);
            _browser = new ServiceBrowser(_records, _observer);
        }

        Send(_records.Announcement());
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        if (_stopping.IsSet)
        {
            return ValueTask.CompletedTask;
        }

        Send(_records.Announcement(goodbye: true));
        _stopping.Set();
        _endpoint.Dispose(); // unblocks the receive threads
        foreach (var thread in _threads)
        {
            thread.Join(TimeSpan.FromSeconds(2));
        }

        _stopping.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Start(string name, ThreadStart body)
    {
        var thread = new Thread(body) { IsBackground = true, Name = name };
        _threads.Add(thread);
        thread.Start();
    }

    private void AnnounceLoop()
    {
        var delays = new[] { TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2) };
        foreach (var delay in delays)
        {
            if (_stopping.Wait(delay))
            {
                return;
            }

            Send(_records.Announcement());
            Send(_records.Query());
        }

        while (!_stopping.Wait(_options.QueryInterval))
        {
            Send(_records.Announcement());
            Send(_records.Query());
        }
    }

    private void ReceiveLoop(Socket socket)
    {
        var buffer = new byte[MaxPacket];
        EndPoint remote = socket.AddressFamily == AddressFamily.InterNetwork ? new IPEndPoint(IPAddress.Any, 0) : new IPEndPoint(IPAddress.IPv6Any, 0);
        while (!_stopping.IsSet)
        {
            int length;
            try
            {
                length = socket.ReceiveFrom(buffer, ref remote);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                if (_stopping.IsSet)
                {
                    return;
                }

                continue;
            }

            try
            {
                Handle(buffer, length, (IPEndPoint)remote);
            }
            catch (Exception ex)
            {
                // Truncated, malformed or hostile packets are dropped; discovery keeps running.
                _logger.LogDebug("Dropped an mDNS packet from {Remote}: {Error}", remote, ex.Message);
            }
        }
    }

    private void Handle(byte[] buffer, int length, IPEndPoint source)
    {
        var message = new Message();
        message.Read(buffer, 0, length);
        ServiceRecords records;
        ServiceBrowser browser;
        lock (_gate)
        {
            records = _records;
            browser = _browser;
        }

        if (message.IsQuery)
        {
            if (message.Questions.Any(records.Answers))
            {
                Send(records.Announcement());
            }

            if (message.Questions.Any(q => q.Name == ServiceRecords.ServiceEnumeration))
            {
                Send(records.ServiceTypeAnswer());
            }

            return;
        }

        foreach (var instance in browser.OnResponse(message, source))
        {
            var query = new Message();
            query.Questions.Add(new Question { Name = instance, Type = DnsType.SRV });
            query.Questions.Add(new Question { Name = instance, Type = DnsType.TXT });
            Send(query);
        }
    }

    private void Send(Message message)
    {
        try
        {
            _endpoint.Send(message.ToByteArray());
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            _logger.LogDebug("mDNS send failed: {Error}", ex.Message);
        }
    }
}
