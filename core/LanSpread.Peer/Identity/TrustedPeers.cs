using LanSpread.Core.Model;

namespace LanSpread.Peer.Identity;

/// <summary>
/// The optional trust list: peer ids from <c>--trust-peer</c> and from the <c>trusted-peers</c> file of
/// the data directory (one id per line, <c>#</c> starts a comment). When the list is not empty, this
/// peer downloads only from the peers on it; others are still seen and logged, never used.
/// </summary>
public static class TrustedPeers
{
    public const string FileName = "trusted-peers";

    /// <summary>The ids of the file (if any) plus <paramref name="extra"/>; a malformed line throws <see cref="ArgumentException"/> naming it.</summary>
    public static IReadOnlySet<PeerId> Load(string dataDirectory, IEnumerable<PeerId> extra)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        ArgumentNullException.ThrowIfNull(extra);
        var ids = new HashSet<PeerId>(extra);
        var path = Path.Combine(dataDirectory, FileName);
        if (!File.Exists(path))
        {
            return ids;
        }

        var number = 0;
        foreach (var raw in File.ReadLines(path))
        {
            number++;
            var line = raw.Split('#', 2)[0].Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (!PeerId.TryParse(line, out var id))
            {
                throw new ArgumentException($"{path}:{number}: '{line}' is not a peer id ({PeerId.Length} base32 characters; see 'lanspread peers')");
            }

            ids.Add(id);
        }

        return ids;
    }
}
