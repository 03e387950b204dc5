namespace LanSpread.Unpack.Rar.Internal;

/// <summary>
/// Walks the file headers of a (possibly still downloading) RAR5 volume set front to back, only as far as
/// asked: <see cref="Find"/> reads headers up to the named entry's, which precede its data, so the walk
/// never waits for bytes the reader beside it has not needed already. Not RAR5, encrypted or damaged
/// headers end the walk (nothing is found; the reader reports what is wrong).
/// </summary>
internal sealed class Rar5HeaderWalk(IReadOnlyList<Stream> volumes)
{
    private readonly Dictionary<string, StoredRar5Entry> _seen = new(StringComparer.Ordinal);
    private int _volume;
    private Rar5HeaderWindow? _window;
    private long _position;
    private bool _ended;

    /// <summary>The header of the entry named <paramref name="key"/> (with '\' or '/'), or null.</summary>
    public StoredRar5Entry? Find(string key)
    {
        var normalized = key.Replace('\\', '/');
        while (true)
        {
            if (_seen.TryGetValue(key, out var entry) || _seen.TryGetValue(normalized, out entry))
            {
                return entry;
            }

            if (_ended || !Advance())
            {
                _ended = true;
                return null;
            }
        }
    }

    private bool Advance()
    {
        while (_volume < volumes.Count)
        {
            var stream = volumes[_volume];
            var length = stream.Length;
            if (_window is null)
            {
                _window = new Rar5HeaderWindow((buffer, offset) => ReadAt(stream, buffer, offset), length);
                if (!StoredRar5Archive.HasSignature(_window, length))
                {
                    return false;
                }

                _position = 8;
            }

            if (_position < length && StoredRar5Archive.ReadBlock(_window, _position, length) is { } block)
            {
                _position = block.Next;
                switch (block.Type)
                {
                    case 2:
                        _seen.TryAdd(block.Entry!.Name, block.Entry);
                        return true;
                    case 1:
                    case 3:
                        return true;
                    case 5:
                        break; // end of this volume
                    default:
                        return false;
                }
            }
            else if (_position < length)
            {
                return false;
            }

            _volume++;
            _window = null;
        }

        return false;
    }

    private static int ReadAt(Stream stream, Span<byte> buffer, long offset)
    {
        stream.Position = offset;
        return stream.Read(buffer);
    }
}
