using LanSpread.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace LanSpread.Cli.Tests.Lan;

/// <summary>
/// mDNS without periodic re-announcements (issue 21): a peer announces only at start, so its records
/// stay in the others' caches only because the querier refreshes them near the end of their TTL (RFC 6762
/// §5.2) and the owner answers. With a 10 s TTL, two peers must keep each other across several TTLs, and
/// a peer killed without a goodbye must still expire once nobody answers for it.
/// </summary>
public sealed class MdnsRefreshTests(ITestOutputHelper output)
{
    private const string RefreshLog = "refresh query";

    [RootFact]
    public async Task Records_are_refreshed_by_queries_before_their_ttl_ends_and_a_silent_peer_expires()
    {
        using var temp = new TempDir();
        using var lan = new NetnsLan();
        lan.AddHost("alpha");
        lan.AddHost("bravo");
        // Pings are rare here, so only mDNS can remove a peer within the test.
        string[] Serve(string name) => ["serve", "--games", temp.Sub($"{name}-games"), "--data", temp.Sub($"{name}-data"), "--name", name,
            "--ping-interval", "30", "--set", "mdns.recordTtl=00:00:10", "--set", "mdns.queryInterval=00:00:02", "--log-level", "debug"];
        using var alpha = lan.Run("alpha", Serve("alpha"));
        using var bravo = lan.Run("bravo", Serve("bravo"));
        await alpha.WaitForLineAsync(l => l.Contains("\"PeerCountChanged\",\"count\":1", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        await bravo.WaitForLineAsync(l => l.Contains("\"PeerCountChanged\",\"count\":1", StringComparison.Ordinal), TimeSpan.FromSeconds(30));

        // Each refresh query comes at 80 % of a record's TTL after the last answer, and one query refreshes
        // the record in both caches (the owner's answer is multicast), so the two peers share them: two
        // refreshes span more than two TTLs after the start-up announcements ended.
        await Poll.UntilAsync(() => Count(alpha.Stderr, RefreshLog) + Count(bravo.Stderr, RefreshLog) >= 2, TimeSpan.FromSeconds(60), "two refresh queries");
        output.WriteLine($"refresh queries: alpha {Count(alpha.Stderr, RefreshLog)}, bravo {Count(bravo.Stderr, RefreshLog)}");
        Assert.DoesNotContain("\"PeerLost\"", alpha.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\"PeerLost\"", bravo.Stdout, StringComparison.Ordinal);

        // SIGKILL: no goodbye, and bravo no longer answers alpha's refresh queries, so its records expire.
        bravo.Process.Kill();
        var (lost, _) = await alpha.WaitForLineAsync(l => l.Contains("\"PeerLost\"", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        output.WriteLine(lost);
        Assert.Contains("mDNS records expired", lost, StringComparison.Ordinal);
    }

    private static int Count(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
