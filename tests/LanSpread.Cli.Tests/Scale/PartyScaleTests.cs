using System.Diagnostics;
using System.Globalization;
using LanSpread.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace LanSpread.Cli.Tests.Scale;

/// <summary>
/// A LAN party on one namespace bridge: real <c>lanspread serve</c> processes with mDNS on and empty
/// libraries, grown 8 → 16 → 32 in one run. At each size it prints how long the party took to converge
/// (every peer counting all the others) and the CPU all peers together use once settled, so the growth
/// is visible; at 32 it asserts convergence within 15 s and ≤ 15% of one core after 30 s of settling,
/// and idle RSS ≤ 80 MB per peer. Run under the timing lock (tests/run.sh takes it for the Scale tests).
/// The peers run a published host (ReadyToRun, what users run): the test publishes one unless
/// <c>LANSPREAD_PARTY_CLI</c> names a published <c>lanspread.dll</c>. The build output is all JIT, and 32
/// processes JIT-compiling on 2 cores at once would measure the JIT, not the party.
/// </summary>
[Collection(ScaleCollection.Name)]
public sealed class PartyScaleTests(ITestOutputHelper output)
{
    private static readonly TimeSpan CpuWindow = TimeSpan.FromSeconds(10);

    [ScaleFact(optIn: true)]
    public async Task Thirty_two_idle_peers_converge_fast_and_settle_to_a_small_linear_cost()
    {
        // Each size is a cold start of a fresh party, so its convergence time is from the first launch.
        var sizes = (Environment.GetEnvironmentVariable("LANSPREAD_SCALE_SIZES") ?? "8,16,32")
            .Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();
        using var temp = new TempDir();
        var cli = await PublishedCliAsync(temp);
        var parties = new List<Party>();
        foreach (var size in sizes)
        {
            // The asserted size settles the full 30 s of the bar; smaller ones only long enough for the
            // ping back-off to reach its cap, to keep the run short.
            parties.Add(await RunPartyAsync(size, TimeSpan.FromSeconds(size >= 32 ? 30 : 20), cli));
        }

        output.WriteLine(string.Join(Environment.NewLine, parties.Select(p => p.Figure)));
        foreach (var party in parties.Where(p => p.Size >= 32))
        {
            Assert.True(party.Convergence <= TimeSpan.FromSeconds(15), $"{party.Size} peers converged only after {party.Convergence.TotalSeconds:0.0}s");
            Assert.True(party.Cpu <= 0.15, $"{party.Size} settled peers use {party.Cpu:P1} of one core (bar 15%)");
        }

        Assert.All(parties, p => Assert.True(p.MaxRss <= 80, $"{p.Size} peers: idle RSS per peer up to {p.MaxRss:0} MB (bar 80 MB)"));
    }

    private static async Task<string> PublishedCliAsync(TempDir temp)
    {
        if (Environment.GetEnvironmentVariable("LANSPREAD_PARTY_CLI") is { Length: > 0 } given)
        {
            return given;
        }

        var directory = temp.Sub("published");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "publish", Path.Combine(Repo.Root, "hosts", "LanSpread.Cli"), "-c", Repo.Configuration, "-o", directory, "-nologo", "-v", "q" })
        {
            info.ArgumentList.Add(arg);
        }

        using var publish = Process.Start(info)!;
        var stdout = publish.StandardOutput.ReadToEndAsync();
        var stderr = publish.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await publish.WaitForExitAsync(timeout.Token);
        Assert.True(publish.ExitCode == 0, $"dotnet publish of the CLI failed: {await stdout}{await stderr}");
        return Path.Combine(directory, "lanspread.dll");
    }

    private async Task<Party> RunPartyAsync(int size, TimeSpan settle, string cli)
    {
        using var temp = new TempDir();
        using var lan = new NetnsLan();
        var names = Enumerable.Range(0, size).Select(i => $"p{i:00}").ToList();
        foreach (var name in names)
        {
            lan.AddHost(name);
        }

        var startedAt = Stopwatch.GetTimestamp();
        var peers = names.Select(name => new PartyPeer(name, lan.Run(name, ["serve", "--games", temp.Sub($"{name}-games"), "--data", temp.Sub($"{name}-data"), "--name", name], cliDll: cli))).ToList();
        var converged = await WaitForConvergenceAsync(peers, TimeSpan.FromSeconds(60));
        var convergence = Stopwatch.GetElapsedTime(startedAt);
        var startCost = Split(peers.Select(p => ThreadTicks(p.Process.Process.Id)).SelectMany(t => t.Values), seconds: null);
        // Start-up (process start, JIT, listening, first mDNS exchange) against spreading the news: the
        // first join anywhere, and the moment every peer had joined at least one other.
        var joins = peers.Select(p => p.FirstJoin).Where(t => t != 0).Select(t => Stopwatch.GetElapsedTime(startedAt, t)).ToList();
        await Task.Delay(settle);
        var (cpu, byThread) = await MeasureCpuAsync(peers);
        var rss = peers.Select(p => Rss(p.Process.Process.Id, "VmRSS")).ToList();
        var anon = peers.Select(p => Rss(p.Process.Process.Id, "RssAnon")).ToList();
        var figure = $"{size} peers: {(converged ? "converged" : "NOT converged")} in {convergence.TotalSeconds:0.0} s (first join {(joins.Count > 0 ? joins.Min().TotalSeconds : double.NaN):0.0} s, every peer joined by {(joins.Count == size ? joins.Max().TotalSeconds : double.NaN):0.0} s; CPU until then {startCost}); after {settle.TotalSeconds:0} s settling all peers use {cpu:P1} of one core ({cpu / size:P2} per peer; by thread: {byThread}); RSS per peer mean {rss.Average():0} MB, max {rss.Max():0} MB (of which private/anonymous mean {anon.Average():0} MB; the rest is the shared runtime's mapped files); churn: {peers.Sum(p => p.Lost)} PeerLost, {peers.Sum(p => p.Discovered) - (size * (size - 1))} PeerDiscovered beyond the {size * (size - 1)} first sightings";
        output.WriteLine(figure);
        Assert.True(converged, Describe(peers));
        Assert.All(peers, p => Assert.False(p.Process.Process.HasExited, $"{p.Name} exited: {p.Process.Stderr}"));
        return new Party(size, convergence, cpu, rss.Max(), figure);
    }

    private static async Task<bool> WaitForConvergenceAsync(List<PartyPeer> peers, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (peers.All(p => p.Count == peers.Count - 1))
            {
                return true;
            }

            Assert.All(peers, p => Assert.False(p.Process.Process.HasExited, $"{p.Name} exited: {p.Process.Stderr}"));
            await Task.Delay(100);
        }

        return false;
    }

    /// <summary>
    /// User + system CPU of every peer process over <see cref="CpuWindow"/>, in cores, and the same split
    /// by thread name (summed over the peers), so a figure that misses its bar says where the time went.
    /// </summary>
    private static async Task<(double Total, string ByThread)> MeasureCpuAsync(List<PartyPeer> peers)
    {
        var before = peers.Select(p => ThreadTicks(p.Process.Process.Id)).ToList();
        var clock = Stopwatch.StartNew();
        await Task.Delay(CpuWindow);
        var after = peers.Select(p => ThreadTicks(p.Process.Process.Id)).ToList();
        var seconds = clock.Elapsed.TotalSeconds;
        var used = new List<(string Name, long Ticks)>();
        for (var i = 0; i < peers.Count; i++)
        {
            used.AddRange(after[i].Select(t => (t.Value.Name, t.Value.Ticks - (before[i].TryGetValue(t.Key, out var was) ? was.Ticks : 0))));
        }

        // Threads that ended within the window are missing from both sums alike.
        return (used.Sum(t => t.Ticks) / 100.0 / seconds, Split(used, seconds));
    }

    /// <summary>
    /// CPU by thread name, the largest first (USER_HZ is 100 on Linux): in cores over <paramref name="seconds"/>,
    /// or with no window in CPU-seconds (what start-up and joining cost until convergence).
    /// </summary>
    private static string Split(IEnumerable<(string Name, long Ticks)> threads, double? seconds)
    {
        var byName = threads.GroupBy(t => t.Name, StringComparer.Ordinal).Select(g => (Name: g.Key, Ticks: g.Sum(t => t.Ticks))).Where(t => t.Ticks > 0).ToList();
        var parts = byName.OrderByDescending(t => t.Ticks).Take(8)
            .Select(t => seconds is { } window ? $"{t.Name} {t.Ticks / 100.0 / window:P1}" : $"{t.Name} {t.Ticks / 100.0:0.0} s");
        var total = seconds is null ? $"{byName.Sum(t => t.Ticks) / 100.0:0.0} CPU-s: " : string.Empty;
        return total + string.Join(", ", parts);
    }

    /// <summary>utime + stime of each thread of a process, with the thread's name.</summary>
    private static Dictionary<int, (string Name, long Ticks)> ThreadTicks(int pid)
    {
        var threads = new Dictionary<int, (string, long)>();
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                // /proc/PID/task/TID/stat: "tid (comm) state ..."; utime and stime are fields 14 and 15.
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var open = stat.IndexOf('(', StringComparison.Ordinal);
                var close = stat.LastIndexOf(')');
                var fields = stat[(close + 2)..].Split(' ');
                var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                threads[int.Parse(Path.GetFileName(task), CultureInfo.InvariantCulture)] = (stat[(open + 1)..close], ticks);
            }
            catch (IOException)
            {
                // The thread ended between listing and reading.
            }
        }

        return threads;
    }

    private static double Rss(int pid, string field)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    private static string Describe(List<PartyPeer> peers) =>
        string.Join(", ", peers.Where(p => p.Count != peers.Count - 1).Select(p => $"{p.Name} sees {p.Count}"));

    private sealed record Party(int Size, TimeSpan Convergence, double Cpu, double MaxRss, string Figure);
}
