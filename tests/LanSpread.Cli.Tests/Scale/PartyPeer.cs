using System.Text.Json;
using LanSpread.TestKit;

namespace LanSpread.Cli.Tests.Scale;

/// <summary>One party member: its process and the latest peer count it reported (from its JSONL events).</summary>
internal sealed class PartyPeer
{
    private int _count;

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

    private void OnLine(string line)
    {
        if (!line.Contains("\"PeerCountChanged\"", StringComparison.Ordinal))
        {
            return;
        }

        using var json = JsonDocument.Parse(line);
        Volatile.Write(ref _count, json.RootElement.GetProperty("count").GetInt32());
    }
}
