using LanSpread.Core.Model;
using LanSpread.Peer.Protocol;

namespace LanSpread.Peer.Server;

/// <summary>
/// Answers ListGames in bounded pages and, to a client naming a revision still remembered, with only
/// what changed since (Syncthing-style index deltas). The announced list of each of the last
/// <see cref="Remembered"/> revisions is kept, exactly as it was first sent under that revision, so a
/// delta always starts from what the client holds. Revisions are unique per library across restarts
/// (they start from the clock), so a restarted peer never answers a delta against another life's list.
/// </summary>
internal sealed class GameListHistory
{
    /// <summary>Most titles in one answer: 1,000 summaries are about 60 KB of JSON.</summary>
    public const int MaxPage = 1000;

    private const int Remembered = 16;

    private readonly Lock _gate = new();
    private readonly LinkedList<Snapshot> _history = new();

    public Response Answer(long revision, Func<IReadOnlyList<GameSummary>> announced, Request request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var current = Record(revision, announced);
        var ok = new Response(ProtocolConstants.Version, true) { Revision = revision };
        if (request.Limit <= 0)
        {
            return ok with { Games = current.Sorted }; // a client that does not page gets everything
        }

        var limit = Math.Min(request.Limit, MaxPage);
        if (request.Since != 0 && Find(request.Since) is { } old)
        {
            var changed = current.Sorted.Where(g => !old.Games.TryGetValue(g.Id, out var was) || was != g).ToList();
            var removed = request.After is null
                ? old.Sorted.Where(g => !current.Games.ContainsKey(g.Id)).Select(g => g.Id).ToList()
                : [];
            var (page, next) = Page(changed, request.After, limit);
            return ok with { Delta = true, Games = page, Removed = removed, Next = next };
        }

        var (all, cursor) = Page(current.Sorted, request.After, limit);
        return ok with { Games = all, Next = cursor };
    }

    private static (List<GameSummary> Page, string? Next) Page(IReadOnlyList<GameSummary> sorted, string? after, int limit)
    {
        var start = 0;
        if (after is not null)
        {
            // Sorted by ordinal id: the first entry after the cursor.
            var lo = 0;
            var hi = sorted.Count;
            while (lo < hi)
            {
                var mid = (lo + hi) / 2;
                if (string.CompareOrdinal(sorted[mid].Id, after) <= 0)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            start = lo;
        }

        var page = sorted.Skip(start).Take(limit).ToList();
        var next = start + page.Count < sorted.Count ? page[^1].Id : null;
        return (page, next);
    }

    private Snapshot Record(long revision, Func<IReadOnlyList<GameSummary>> announced)
    {
        lock (_gate)
        {
            if (_history.Last?.Value is { } last && last.Revision == revision)
            {
                return last;
            }
        }

        var games = announced().OrderBy(g => g.Id, StringComparer.Ordinal).ToList();
        var snapshot = new Snapshot(revision, games, games.ToDictionary(g => g.Id, StringComparer.Ordinal));
        lock (_gate)
        {
            if (FindLocked(revision) is { } first)
            {
                return first; // recorded meanwhile: keep what was first sent under this revision
            }

            _history.AddLast(snapshot);
            while (_history.Count > Remembered)
            {
                _history.RemoveFirst();
            }

            return snapshot;
        }
    }

    private Snapshot? Find(long revision)
    {
        lock (_gate)
        {
            return FindLocked(revision);
        }
    }

    private Snapshot? FindLocked(long revision) => _history.FirstOrDefault(s => s.Revision == revision);

    private sealed record Snapshot(long Revision, IReadOnlyList<GameSummary> Sorted, Dictionary<string, GameSummary> Games);
}
