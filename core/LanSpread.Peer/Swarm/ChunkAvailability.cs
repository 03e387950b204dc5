using LanSpread.Core.Model;

namespace LanSpread.Peer.Swarm;

/// <summary>
/// What a download holds of its manifest, chunk by chunk (DESIGN F.2): a chunk is marked only once it
/// is verified (hashed equal to the manifest while it was written, copied-and-verified from a local
/// file, or recorded by a resumed download), so the server never serves bytes nobody checked. A chunk
/// is identified by its index in manifest order (files in manifest order, chunks in file order), the
/// same on every peer with the same digest. Thread-safe: workers mark, the server reads.
/// </summary>
internal sealed class ChunkAvailability
{
    private const byte Missing = 0;
    private const byte Staged = 1;
    private const byte InPlace = 2;

    private readonly Dictionary<(string Path, long Offset), int> _index = [];
    private readonly long[] _lengths;
    private readonly byte[] _state;
    private readonly Lock _gate = new();
    private long _generation;

    public ChunkAvailability(string game, GameManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        Game = game;
        Manifest = manifest;
        var lengths = new List<long>();
        foreach (var file in manifest.Files)
        {
            foreach (var chunk in file.Chunks)
            {
                _index[(file.RelativePath, chunk.Offset)] = lengths.Count;
                lengths.Add(chunk.Length);
            }
        }

        _lengths = [.. lengths];
        _state = new byte[_lengths.Length];
    }

    public string Game { get; }

    public GameManifest Manifest { get; }

    /// <summary>Chunks in the manifest.</summary>
    public int Count => _lengths.Length;

    /// <summary>Moves whenever a chunk is marked; a poller that saw this generation has nothing new to learn.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>Chunks marked so far.</summary>
    public int Held
    {
        get
        {
            lock (_gate)
            {
                return _state.Count(s => s != Missing);
            }
        }
    }

    /// <summary>The index of the chunk at (path, offset), or -1.</summary>
    public int IndexOf(string path, long offset) => _index.GetValueOrDefault((path, offset), -1);

    /// <summary>A verified chunk now sits in the staged file under <c>.lanspread.partial/</c>.</summary>
    public void MarkStaged(string path, long offset) => Mark(path, offset, Staged);

    /// <summary>A whole file of the manifest is already in place in the game root (unchanged by this version).</summary>
    public void MarkInPlace(ManifestFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        foreach (var chunk in file.Chunks)
        {
            Mark(file.RelativePath, chunk.Offset, InPlace);
        }
    }

    /// <summary>
    /// Whether exactly this chunk is held, and where: <paramref name="staged"/> true for the staged file,
    /// false for the file in the game root. Requests must name a whole manifest chunk.
    /// </summary>
    public bool TryLocate(string path, long offset, long length, out bool staged)
    {
        staged = false;
        var i = IndexOf(path, offset);
        if (i < 0 || _lengths[i] != length)
        {
            return false;
        }

        lock (_gate)
        {
            staged = _state[i] == Staged;
            return _state[i] != Missing;
        }
    }

    /// <summary>The held chunks as a bitmap: bit i (least significant first within each byte) is chunk i.</summary>
    public byte[] Bitmap()
    {
        var bits = new byte[(Count + 7) / 8];
        lock (_gate)
        {
            for (var i = 0; i < _state.Length; i++)
            {
                if (_state[i] != Missing)
                {
                    bits[i >> 3] |= (byte)(1 << (i & 7));
                }
            }
        }

        return bits;
    }

    private void Mark(string path, long offset, byte state)
    {
        var i = IndexOf(path, offset);
        if (i < 0)
        {
            return;
        }

        lock (_gate)
        {
            if (_state[i] == state)
            {
                return;
            }

            _state[i] = state;
        }

        Interlocked.Increment(ref _generation);
    }
}
