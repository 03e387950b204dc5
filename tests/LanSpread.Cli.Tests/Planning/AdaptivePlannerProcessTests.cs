using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using LanSpread.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace LanSpread.Cli.Tests.Planning;

/// <summary>
/// Issue 14 between real <c>lanspread</c> processes on namespace hosts with tc-shaped links: a slow seeder never
/// makes a download slower than the fast one alone, a seeder frozen with SIGSTOP costs seconds, not a timeout, and
/// a fixture seeder dropping every tenth chunk costs little more than the chunks it dropped. Times are the
/// client's own transfer time (DownloadGameFilesFinished), compared as ratios within one test, since the machine
/// may be loaded; each test prints its figures.
/// </summary>
[Collection("scenarios")]
public sealed class AdaptivePlannerProcessTests(PlannerLan lan, ITestOutputHelper output) : IClassFixture<PlannerLan>, IDisposable
{
    private const string Game = PlannerLan.Game;
    private readonly List<CliProcess> _processes = [];

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            process.Dispose();
        }
    }

    [Scale.ScaleFact]
    public async Task A_40_Mbit_seeder_beside_a_400_Mbit_one_makes_the_download_no_slower_than_the_fast_one_alone()
    {
        Shape("seed-a", "400mbit");
        Shape("seed-b", "40mbit");
        try
        {
            using var a = await ServeAsync("seed-a");
            using var b = await ServeAsync("seed-b");
            // Best of two, interleaved: a loaded machine (CI) stalls single runs by a few tenths of a second, which is
            // the whole margin here (ideal 0.91 against the bar of 1.0).
            var alone = await GetAsync(["seed-a"]);
            var both = await GetAsync(["seed-a", "seed-b"], "--peers", "2");
            var alone2 = await GetAsync(["seed-a"]);
            var both2 = await GetAsync(["seed-a", "seed-b"], "--peers", "2");
            alone = alone2.Seconds < alone.Seconds ? alone2 : alone;
            both = both2.Seconds < both.Seconds ? both2 : both;
            var ratio = both.Seconds / alone.Seconds;
            output.WriteLine($"fast alone {alone.Seconds:0.00}s; fast + slow {both.Seconds:0.00}s; ratio {ratio:0.00} (ideal 400/440 = 0.91); bytes by peer: {string.Join(", ", both.BytesByPeer.Select(p => $"{p.Key} {p.Value.Bytes} at {p.Value.Rate / 1e6:0.0} MB/s"))}");
            Assert.True(ratio <= 1.0, $"fast + slow took {both.Seconds:0.00}s, the fast one alone {alone.Seconds:0.00}s");
            Assert.True(both.BytesByPeer.GetValueOrDefault("seed-b").Bytes > 0, "the slow seeder contributed nothing");
            Assert.Equal(lan.TotalBytes, both.BytesByPeer.Values.Sum(p => p.Bytes));
        }
        finally
        {
            Unshape("seed-a");
            Unshape("seed-b");
        }
    }

    [Scale.ScaleFact]
    public async Task A_seeder_frozen_at_30_percent_costs_at_most_5_seconds_more_than_the_rest_needs_from_the_other()
    {
        Shape("seed-a", "200mbit");
        Shape("seed-b", "200mbit");
        try
        {
            using var a = await ServeAsync("seed-a");
            using var b = await ServeAsync("seed-b");
            var games = lan.Temp.Sub($"client/frozen-{Guid.NewGuid():N}"[..20]);
            var get = Start("client", GetArgs(games, ["seed-a", "seed-b"], "--peers", "2"));
            long fetched = 0;
            var frozen = 0;
            long frozenAt = 0;
            long remaining = 0;
            get.Line += line =>
            {
                if (line.Contains("\"ChunkCompleted\"", StringComparison.Ordinal)
                    && Interlocked.Add(ref fetched, JsonDocument.Parse(line).RootElement.GetProperty("length").GetInt64()) >= lan.TotalBytes * 30 / 100
                    && Interlocked.Exchange(ref frozen, 1) == 0)
                {
                    Shell.Run("kill", "-STOP", b.Process.Id.ToString(CultureInfo.InvariantCulture));
                    frozenAt = Stopwatch.GetTimestamp();
                    remaining = lan.TotalBytes - Interlocked.Read(ref fetched);
                }
            };
            try
            {
                await get.WaitForExitAsync(TimeSpan.FromMinutes(2));
                var finishedAt = Stopwatch.GetTimestamp();
                Assert.True(get.ExitCode == 0, get.Stderr);
                Assert.Equal(1, frozen);
                var result = Finished(get);
                var rateA = result.BytesByPeer["seed-a"].Rate;
                var need = remaining / rateA;
                var took = Stopwatch.GetElapsedTime(frozenAt, finishedAt).TotalSeconds;
                output.WriteLine($"froze seed-b with {remaining} of {lan.TotalBytes} bytes left; seed-a's mean rate {rateA / 1e6:0.0} MB/s needs {need:0.00}s for them; the rest took {took:0.00}s (bar {need + 5:0.00}s)");
                Assert.True(took <= need + 5, $"the rest took {took:0.00}s after the freeze, {need:0.00}s needed");
                Assert.Equal(GameFixture.Manifest(lan.Content), GameFixture.Manifest(Path.Combine(games, Game, "local")));
            }
            finally
            {
                Shell.Run("kill", "-CONT", b.Process.Id.ToString(CultureInfo.InvariantCulture));
            }
        }
        finally
        {
            Unshape("seed-a");
            Unshape("seed-b");
        }
    }

    [Scale.ScaleFact]
    public async Task A_fixture_seeder_dropping_every_tenth_chunk_slows_the_download_by_no_more_than_its_share()
    {
        Shape("seed-a", "200mbit");
        Shape("seed-b", "200mbit");
        try
        {
            using var a = await ServeAsync("seed-a");
            using (var b = await ServeAsync("seed-b"))
            {
                var honest = await GetAsync(["seed-a", "seed-b"], "--peers", "2");
                b.Terminate();
                await b.Process.WaitForExitAsync();
                using var fixture = await ServeAsync("seed-b", new Dictionary<string, string> { ["LANSPREAD_FIXTURE_DROP_EVERY"] = "10" });
                var flaky = await GetAsync(["seed-a", "seed-b"], "--peers", "2");

                // The dropped requests are a tenth of the fixture's, each lost halfway: its share of the work
                // is what it served, so the download may take that share of a tenth longer (plus a second of noise).
                var share = (double)flaky.BytesByPeer.GetValueOrDefault("seed-b").Bytes / lan.TotalBytes;
                var bar = honest.Seconds * (1 + (share * 0.1)) + 1;
                output.WriteLine($"honest pair {honest.Seconds:0.00}s; with the fixture dropping every tenth chunk {flaky.Seconds:0.00}s (bar {bar:0.00}s); fixture's share {share:P0}; its failed requests {flaky.Failures}");
                Assert.True(flaky.Failures > 0, "the fixture dropped nothing");
                Assert.True(share > 0.1, "the dropping fixture was left out instead of used");
                Assert.True(flaky.Seconds <= bar, $"{flaky.Seconds:0.00}s with the fixture, {honest.Seconds:0.00}s without");
            }
        }
        finally
        {
            Unshape("seed-a");
            Unshape("seed-b");
        }
    }

    [Scale.ScaleFact]
    public async Task A_seeder_that_starts_during_a_download_is_used_at_once()
    {
        Shape("seed-a", "40mbit"); // alone: about 20 s
        Shape("seed-b", "400mbit");
        try
        {
            using var a = await ServeAsync("seed-a");
            var games = lan.Temp.Sub($"client/joined-{Guid.NewGuid():N}"[..20]);
            var get = Start("client", GetArgs(games, ["seed-a", "seed-b"], "--ping-interval", "1"));
            await get.WaitForLineAsync(l => l.Contains("\"ChunkCompleted\"", StringComparison.Ordinal), TimeSpan.FromSeconds(60), skip: 5);
            using var b = await ServeAsync("seed-b");
            var started = Stopwatch.GetTimestamp();
            await get.WaitForExitAsync(TimeSpan.FromMinutes(2));
            Assert.True(get.ExitCode == 0, get.Stderr);
            var result = Finished(get);
            var served = result.BytesByPeer.GetValueOrDefault("seed-b").Bytes;
            output.WriteLine($"seed-b started after the 6th chunk; the download ended {Stopwatch.GetElapsedTime(started).TotalSeconds:0.00}s later, {result.Seconds:0.00}s in all; seed-b served {served} of {lan.TotalBytes} bytes");
            Assert.True(served > lan.TotalBytes / 2, $"the seeder that joined served {served} of {lan.TotalBytes} bytes");
            Assert.Equal(GameFixture.Manifest(lan.Content), GameFixture.Manifest(Path.Combine(games, Game, "local")));
        }
        finally
        {
            Unshape("seed-a");
            Unshape("seed-b");
        }
    }

    private sealed record Result(double Seconds, Dictionary<string, (long Bytes, double Rate)> BytesByPeer, int Failures);

    private static Result Finished(CliProcess get)
    {
        var events = get.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var finished = events.Single(e => e.GetProperty("event").GetString() == "DownloadGameFilesFinished");
        var peers = finished.GetProperty("bytesByPeer").EnumerateArray()
            .ToDictionary(p => p.GetProperty("peer").GetString()!, p => (p.GetProperty("bytes").GetInt64(), p.GetProperty("bytesPerSecond").GetDouble()));
        var failures = get.Stderr.Split('\n').Count(l => l.Contains("the chunk goes back to the plan", StringComparison.Ordinal));
        return new Result(finished.GetProperty("seconds").GetDouble(), peers, failures);
    }

    private async Task<Result> GetAsync(string[] seeders, params string[] extra)
    {
        var games = lan.Temp.Sub($"client/get-{Guid.NewGuid():N}"[..17]);
        var get = Start("client", GetArgs(games, seeders, extra));
        await get.WaitForExitAsync(TimeSpan.FromMinutes(2));
        Assert.True(get.ExitCode == 0, get.Stderr);
        Assert.Equal(GameFixture.Manifest(lan.Content), GameFixture.Manifest(Path.Combine(games, Game, "local")));
        return Finished(get);
    }

    private void Shape(string host, string rate) =>
        NetnsLan.Exec(lan.Lan.Namespace(host), "tc", "qdisc", "replace", "dev", "eth0", "root", "tbf", "rate", rate, "burst", "256kb", "latency", "100ms");

    private void Unshape(string host) => NetnsLan.Exec(lan.Lan.Namespace(host), "tc", "qdisc", "del", "dev", "eth0", "root");

    private CliProcess Start(string host, string[] args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var process = lan.Lan.Run(host, args, environment);
        _processes.Add(process);
        return process;
    }

    private async Task<CliProcess> ServeAsync(string host, IReadOnlyDictionary<string, string>? environment = null)
    {
        var process = Start(host, ["serve", "--games", Path.GetDirectoryName(lan.Roots[host])!, "--data", lan.Temp.Sub($"{host}/data-{Guid.NewGuid():N}"[..(host.Length + 14)]),
            "--name", host, "--no-mdns", "--ping-interval", "1", "--chunk-size", "1M"], environment);
        await process.WaitForStderrAsync("serving", TimeSpan.FromSeconds(60));
        return process;
    }

    private string[] GetArgs(string games, string[] seeders, params string[] extra) =>
        ["get", Game, "--games", games, "--data", lan.Temp.Sub($"client/data-{Guid.NewGuid():N}"[..17]), "--name", "client", "--json", "--no-mdns", "--listen", "0.0.0.0:0",
            .. seeders.SelectMany(s => new[] { "--peer", $"{lan.Lan.Address(s)}:42420" }), "--timeout", "120", .. extra];
}
