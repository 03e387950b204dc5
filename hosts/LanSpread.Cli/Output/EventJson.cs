using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using LanSpread.Core.Commands;
using LanSpread.Core.Events;

namespace LanSpread.Cli.Output;

/// <summary>One JSON object per line on stdout, each with the <c>event</c> field (DESIGN A.4 names).</summary>
internal static class EventJson
{
    /// <summary>The CLI's JSON options: web defaults, source-generated metadata only (<see cref="CliJsonContext"/>).</summary>
    public static JsonSerializerOptions Options => CliJsonContext.Default.Options;

    private static readonly Lock Gate = new();

    public static void Write(PeerEvent peerEvent) => WriteObject(peerEvent, CliJsonContext.Default.PeerEvent);

    public static void WriteObject<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        var line = JsonSerializer.Serialize(value, typeInfo);
        lock (Gate)
        {
            Console.Out.WriteLine(line);
            Console.Out.Flush();
        }
    }

    /// <summary>Reads one stdin command line; throws <see cref="JsonException"/> or <see cref="NotSupportedException"/> on bad input.</summary>
    public static PeerCommand? ReadCommand(string line) => JsonSerializer.Deserialize(line, CliJsonContext.Default.PeerCommand);
}
