using System.Text.Json;
using System.Text.Json.Serialization;
using LanSpread.Core.Events;

namespace LanSpread.Cli.Output;

/// <summary>One JSON object per line on stdout, each with the <c>event</c> field (DESIGN A.4 names).</summary>
internal static class EventJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    private static readonly Lock Gate = new();

    public static void Write(PeerEvent peerEvent)
    {
        var line = JsonSerializer.Serialize(peerEvent, Options);
        lock (Gate)
        {
            Console.Out.WriteLine(line);
            Console.Out.Flush();
        }
    }

    public static void WriteObject<T>(T value)
    {
        var line = JsonSerializer.Serialize(value, Options);
        lock (Gate)
        {
            Console.Out.WriteLine(line);
            Console.Out.Flush();
        }
    }
}
