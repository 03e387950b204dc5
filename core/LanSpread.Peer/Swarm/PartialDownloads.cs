using System.Collections.Concurrent;

namespace LanSpread.Peer.Swarm;

/// <summary>
/// The downloads running on this peer, by game, as the server sees them: what each holds so far. A
/// download registers when its staging is prepared and unregisters before it renames its staged files
/// into place, so the server never serves a staged path that is about to move.
/// </summary>
internal sealed class PartialDownloads
{
    private readonly ConcurrentDictionary<string, ChunkAvailability> _running = new(StringComparer.Ordinal);

    public void Register(ChunkAvailability availability)
    {
        ArgumentNullException.ThrowIfNull(availability);
        _running[availability.Game] = availability;
    }

    public void Unregister(ChunkAvailability availability)
    {
        ArgumentNullException.ThrowIfNull(availability);
        _running.TryRemove(new KeyValuePair<string, ChunkAvailability>(availability.Game, availability));
    }

    public ChunkAvailability? Find(string? game) => game is null ? null : _running.GetValueOrDefault(game);
}
