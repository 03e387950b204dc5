using System.Buffers;
using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace LanSpread.Peer.Protocol;

/// <summary>Reads and writes length-prefixed JSON frames, refusing oversize or malformed ones.</summary>
internal static class FrameCodec
{
    public static ValueTask WriteRequestAsync(Stream stream, Request request, CancellationToken cancellationToken) =>
        WriteAsync(stream, request, ProtocolJsonContext.Default.Request, cancellationToken);

    public static ValueTask WriteResponseAsync(Stream stream, Response response, CancellationToken cancellationToken) =>
        WriteAsync(stream, response, ProtocolJsonContext.Default.Response, cancellationToken);

    public static ValueTask<Request> ReadRequestAsync(Stream stream, CancellationToken cancellationToken) =>
        ReadAsync(stream, ProtocolConstants.MaxRequestFrame, ProtocolJsonContext.Default.Request, cancellationToken);

    public static ValueTask<Response> ReadResponseAsync(Stream stream, CancellationToken cancellationToken) =>
        ReadAsync(stream, ProtocolConstants.MaxResponseFrame, ProtocolJsonContext.Default.Response, cancellationToken);

    private static async ValueTask WriteAsync<T>(Stream stream, T value, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(value, typeInfo);
        var frame = ArrayPool<byte>.Shared.Rent(json.Length + 4);
        try
        {
            BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)json.Length);
            json.CopyTo(frame.AsSpan(4));
            await stream.WriteAsync(frame.AsMemory(0, json.Length + 4), cancellationToken);
            await stream.FlushAsync(cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    private static async ValueTask<T> ReadAsync<T>(Stream stream, int maxLength, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        var prefix = new byte[4];
        await ReadExactlyOrThrowAsync(stream, prefix, "frame header", cancellationToken);
        var length = BinaryPrimitives.ReadUInt32BigEndian(prefix);
        if (length == 0 || length > maxLength)
        {
            throw new ProtocolException(ErrorCode.TooLarge, $"frame of {length} bytes refused (limit {maxLength})");
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)length);
        try
        {
            await ReadExactlyOrThrowAsync(stream, buffer.AsMemory(0, (int)length), "frame body", cancellationToken);
            try
            {
                return JsonSerializer.Deserialize(buffer.AsSpan(0, (int)length), typeInfo)
                    ?? throw new ProtocolException(ErrorCode.Malformed, "empty JSON frame");
            }
            catch (JsonException ex)
            {
                throw new ProtocolException(ErrorCode.Malformed, $"malformed JSON frame: {ex.Message}", ex);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async ValueTask ReadExactlyOrThrowAsync(Stream stream, Memory<byte> buffer, string what, CancellationToken cancellationToken)
    {
        try
        {
            await stream.ReadExactlyAsync(buffer, cancellationToken);
        }
        catch (EndOfStreamException ex)
        {
            throw new ProtocolException(ErrorCode.Malformed, $"truncated {what}", ex);
        }
    }
}
