using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using LanSpread.Core.Discovery;
using Makaretu.Dns;
using Microsoft.Extensions.Logging;

namespace LanSpread.Discovery.Mdns.Internal;

/// <summary>
/// A running advertisement and browse. Each socket is read by its own dedicated (non-pool) thread,
/// and announcements/queries run on one more, so blocking socket work never touches the thread pool.
/// Announces three times at start (RFC 6762 §8.3) and never again on a timer: every peer re-announcing
/// every interval, each announcement parsed by every other, was the part of an idle party's cost that
/// grew with N². Records stay fresh because the querier refreshes them (§5.2): when a known record
/// reaches 80–82 % of its TTL unheard, a query goes out without it among the known answers, its owner
/// answers by multicast, and that one answer refreshes it in every cache on the link (the other peers'
/// refresh points are a little later, so they see the answer first and stay silent). Browse queries
/// back off from the query interval to <see cref="MdnsDiscoveryOptions.MaxQueryInterval"/>; they list
/// the instances we know (known-answer suppression, §7.1: a settled party answers none of them) and only
/// find a peer whose announcements were missed. Answers questions about us unless the asker listed us
/// with at least half our TTL left; expires peers not heard within their records' TTL; says goodbye
/// (TTL 0) on dispose.
/// </summary>
internal sealed class MdnsSession : IDiscoverySession
{
    private const int MaxPacket = 9000;
    private static readonly TimeSpan MinAnnounceGap = TimeSpan.FromSeconds(1);

    private readonly MdnsDiscoveryOptions _options;
    private readonly ILogger _logger;
    private readonly MulticastEndpoint _endpoint;
    private readonly ManualResetEventSlim _stopping = new();
    private readonly List<Thread> _threads = [];
    private readonly Lock _gate = new();
    private ServiceRecords _records;
    private ServiceBrowser _browser;
    private readonly IDiscoveryObserver _observer;
    private readonly Timer _deferred;
    private long _lastAnnounced;
    private int _answerDeferred;

    public MdnsSession(DiscoveryAdvertisement self, IDiscoveryObserver observer, MdnsDiscoveryOptions options, ILogger logger)
    {
        _options = options;
        _logger = logger;
        _observer = observer;
        _endpoint = new MulticastEndpoint();
        _records = new ServiceRecords(self, options, _endpoint.LocalAddresses);
        _browser = new ServiceBrowser(_records, observer);
        _deferred = new Timer(_ =>
        {
            Interlocked.Exchange(ref _answerDeferred, 0);
            if (!_stopping.IsSet)
            {
                Announce();
            }
        });
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

        Announce();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        if (_stopping.IsSet)
        {
            return ValueTask.CompletedTask;
        }

        _deferred.Dispose();
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

            Announce();
            SendQuery();
        }

        // One wake-up a second walks the (small) table of known peers: expiry and refresh points are
        // checked there; a browse query goes out only when its backed-off time comes. Records with a short
        // TTL (tests) are checked more often, so a refresh still lands before the record expires.
        var tick = TimeSpan.FromTicks(Math.Clamp(_options.RecordTtl.Ticks / 20, TimeSpan.FromMilliseconds(50).Ticks, TimeSpan.FromSeconds(1).Ticks));
        var gap = _options.QueryInterval;
        var nextBrowse = DateTime.UtcNow + gap;
        while (!_stopping.Wait(tick))
        {
            var now = DateTime.UtcNow;
            var browser = Browser;
            browser.Expire(now);
            if (now >= nextBrowse)
            {
                SendQuery();
                gap = gap * 2 < _options.MaxQueryInterval ? gap * 2 : _options.MaxQueryInterval;
                nextBrowse = now + gap;
            }
            else if (browser.TakeRefreshDue(now))
            {
                _logger.LogDebug("Asking for known mDNS records near the end of their TTL (refresh query)");
                SendQuery();
            }
        }
    }

    private ServiceBrowser Browser
    {
        get
        {
            lock (_gate)
            {
                return _browser;
            }
        }
    }

    /// <summary>
    /// RFC 6762 §6.2: a record is multicast at most once a second. When a party starts together every
    /// peer's first queries arrive within a second; one answer (now, or deferred to the end of that
    /// second) serves all of them instead of one answer per asker.
    /// </summary>
    private void AnswerRateLimited()
    {
        var since = Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastAnnounced));
        if (since >= MinAnnounceGap)
        {
            Announce();
        }
        else if (Interlocked.Exchange(ref _answerDeferred, 1) == 0)
        {
            _deferred.Change(MinAnnounceGap - since, Timeout.InfiniteTimeSpan);
        }
    }

    private void Announce()
    {
        ServiceRecords records;
        lock (_gate)
        {
            records = _records;
        }

        Interlocked.Exchange(ref _lastAnnounced, Stopwatch.GetTimestamp());
        Send(records.Announcement());
    }

    private void SendQuery()
    {
        ServiceRecords records;
        lock (_gate)
        {
            records = _records;
        }

        Send(records.Query(Browser.KnownAnswers(DateTime.UtcNow)));
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
            if (message.Questions.Any(records.Answers) && !records.KnownToAsker(message))
            {
                AnswerRateLimited();
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
