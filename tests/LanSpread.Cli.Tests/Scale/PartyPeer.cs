using System.Text.Json;
using LanSpread.TestKit;

namespace LanSpread.Cli.Tests.Scale;

/// <summary>
/// One party member: its process, the latest peer count it reported (from its JSONL events) and how
/// often it lost and (re)discovered a peer: a settled party has exactly N-1 discoveries and no losses
/// per peer, so anything more is churn (a live peer pruned and joined again).
/// </summary>
internal sealed class PartyPeer
{
    private int _count;
    private int _lost;
    private int _discovered;
    private long _firstJoin;

    public PartyPeer(string name, CliProcess process)
    {
        Name = name;
        Process = process;
        process.Line += OnLine;
        foreach (var line in process.Stdout.Split('\n'))
        {
            OnLine(line);
        }
    }

    public string Name { get; }

    public CliProcess Process { get; }

    public int Count => Volatile.Read(ref _count);

    /// <summary>PeerLost events so far.</summary>
    public int Lost => Volatile.Read(ref _lost);

    /// <summary>PeerDiscovered events so far.</summary>
    public int Discovered => Volatile.Read(ref _discovered);

    /// <summary>When this peer joined its first other peer (<see cref="System.Diagnostics.Stopwatch"/> timestamp; 0 before).</summary>
    public long FirstJoin => Interlocked.Read(ref _firstJoin);

    private void OnLine(string line)
    {
        if (line.Contains("\"PeerLost\"", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _lost);
            return;
        }

        if (line.Contains("\"PeerDiscovered\"", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _discovered);
            Interlocked.CompareExchange(ref _firstJoin, System.Diagnostics.Stopwatch.GetTimestamp(), 0);
            return;
        }

        if (!line.Contains("\"PeerCountChanged\"", StringComparison.Ordinal))
        {
            return;
        }

        using var json = JsonDocument.Parse(line);
        Volatile.Write(ref _count, json.RootElement.GetProperty("count").GetInt32());
    }
}
