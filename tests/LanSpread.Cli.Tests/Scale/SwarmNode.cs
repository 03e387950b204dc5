using System.Collections.Concurrent;
using System.Text.Json;
using LanSpread.TestKit;

namespace LanSpread.Cli.Tests.Scale;

/// <summary>One <c>lanspread serve</c> peer of a swarm test: its process, its game directory, and its JSONL events with the time each arrived.</summary>
internal sealed class SwarmNode
{
    private readonly ConcurrentQueue<(DateTime At, JsonElement Event)> _events = new();

    public SwarmNode(string host, string games, CliProcess process)
    {
        Host = host;
        Games = games;
        Process = process;
        process.Line += line =>
        {
            if (line.StartsWith('{'))
            {
                _events.Enqueue((DateTime.UtcNow, JsonDocument.Parse(line).RootElement.Clone()));
            }
        };
    }

    public string Host { get; }

    public string Games { get; }

    public CliProcess Process { get; }

    public IReadOnlyList<(DateTime At, JsonElement Event)> Events => [.. _events];

    public IEnumerable<(DateTime At, JsonElement Event)> Named(string name) => Events.Where(e => e.Event.GetProperty("event").GetString() == name);

    public (DateTime At, JsonElement Event)? Finished => Named("DownloadGameFilesFinished").Select(e => ((DateTime, JsonElement)?)e).FirstOrDefault();

    public string? Failure => Named("DownloadGameFilesFailed").Select(e => e.Event.GetProperty("reason").GetString()).FirstOrDefault();

    /// <summary>Bytes served to this node, by serving peer name (from its finished event).</summary>
    public IReadOnlyDictionary<string, long> BytesByPeer() =>
        Finished is { } f
            ? f.Event.GetProperty("bytesByPeer").EnumerateArray().ToDictionary(p => p.GetProperty("peer").GetString()!, p => p.GetProperty("bytes").GetInt64())
            : new Dictionary<string, long>();

    public void Send(string command)
    {
        lock (Process)
        {
            Process.Process.StandardInput.WriteLine(command);
            Process.Process.StandardInput.Flush();
        }
    }
}
