using System.Text.Json;
using System.Text.Json.Serialization;

namespace LanSpread.Core.Model;

/// <summary>Writes a <see cref="PeerId"/> as its text form and validates it on read.</summary>
public sealed class PeerIdJsonConverter : JsonConverter<PeerId>
{
    /// <inheritdoc />
    public override PeerId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        PeerId.TryParse(reader.GetString(), out var id) ? id : throw new JsonException("invalid peer id");

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, PeerId value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.Value);
    }
}
