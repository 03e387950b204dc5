using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using LanSpread.Core.Commands;
using LanSpread.Core.Events;

namespace LanSpread.Cli.Output;

/// <summary>One JSON object per line on stdout, each with the <c>event</c> field (DESIGN A.4 names).</summary>
internal static class EventJson
{
    private static readonly Lock Gate = new();

    /// <summary>
    /// Writes the event as its own type with the <c>event</c> discriminator put in front: the same line the
    /// polymorphic <see cref="PeerEvent"/> contract gives, without building the metadata of all ~30 event
    /// types on the first event (hundreds of JIT compilations in a short command such as <c>install</c>).
    /// </summary>
    public static void Write(PeerEvent peerEvent)
    {
        var line = Line(peerEvent);
        lock (Gate)
        {
            Console.Out.WriteLine(line);
            Console.Out.Flush();
        }
    }

    /// <summary>The JSON line of an event (the discriminator of every [JsonDerivedType] is its type name).</summary>
    public static string Line(PeerEvent peerEvent)
    {
        ArgumentNullException.ThrowIfNull(peerEvent);
        var type = peerEvent.GetType();
        var typeInfo = CliJsonContext.Default.GetTypeInfo(type)
            ?? throw new NotSupportedException($"{type.Name} is not a [JsonDerivedType] of PeerEvent");
        var body = JsonSerializer.Serialize(peerEvent, typeInfo);
        return body.Length > 2 ? $"{{\"event\":\"{type.Name}\",{body.AsSpan(1)}" : $"{{\"event\":\"{type.Name}\"}}";
    }

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
