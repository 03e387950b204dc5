using LanSpread.Core.Model;
using LanSpread.Peer.FileSystem;
using LanSpread.Peer.Protocol;

namespace LanSpread.Peer.Peers;

/// <summary>
/// The checks every answer from a peer passes before it reaches <see cref="PeerGameDB"/> or the
/// download pipeline. A peer is not trusted to send well-formed game ids, versions or paths: entries
/// that break the rules are dropped (and reported), the rest of the answer and the peer stay.
/// </summary>
internal static class PeerAnnouncements
{
    /// <summary>The longest version string accepted (the scanner cuts local versions to the same length).</summary>
    public const int MaxVersionLength = 64;

    /// <summary>The valid, distinct entries of a ListGames answer; <paramref name="dropped"/> says why each other one was dropped.</summary>
    public static IReadOnlyList<GameSummary> ValidGames(IReadOnlyList<GameSummary?>? games, out IReadOnlyList<string> dropped)
    {
        var valid = new List<GameSummary>();
        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var game in games ?? [])
        {
            var problem = game is null ? "a null entry"
                : GameId.Problem(game.Id) is { } idProblem ? $"'{GameId.Printable(game.Id)}': {idProblem}"
                : VersionProblem(game.Version) is { } versionProblem ? $"'{game.Id}': {versionProblem}"
                : game.Size < 0 ? $"'{game.Id}': negative size"
                : !seen.Add(game.Id) ? $"'{game.Id}': listed twice"
                : null;
            if (problem is null)
            {
                valid.Add(game!);
            }
            else
            {
                problems.Add(problem);
            }
        }

        dropped = problems;
        return valid;
    }

    /// <summary>Throws <see cref="ProtocolException"/> unless a GetGame answer describes the game asked for, with safe paths.</summary>
    public static GameDetails CheckDetails(string requested, GameDetails? details)
    {
        if (details is null)
        {
            throw new ProtocolException(ErrorCode.Malformed, "GetGame answer without details");
        }

        if (!string.Equals(details.Id, requested, StringComparison.Ordinal))
        {
            throw new ProtocolException(ErrorCode.Malformed, $"GetGame answer describes '{GameId.Printable(details.Id)}' instead of '{requested}'");
        }

        if (VersionProblem(details.Version) is { } versionProblem)
        {
            throw new ProtocolException(ErrorCode.Malformed, $"GetGame answer for '{requested}': {versionProblem}");
        }

        if (details.Files is null)
        {
            throw new ProtocolException(ErrorCode.Malformed, $"GetGame answer for '{requested}' without a file list");
        }

        foreach (var file in details.Files)
        {
            if (file is null || file.Size < 0 || !GamePathResolver.IsSafeRelativePath(file.RelativePath, out _))
            {
                var path = file is null ? "(null)" : GameId.Printable(file.RelativePath);
                throw new ProtocolException(ErrorCode.Malformed, $"GetGame answer for '{requested}' lists an unsafe entry {path}");
            }
        }

        return details;
    }

    private static string? VersionProblem(string? version) =>
        string.IsNullOrWhiteSpace(version) ? "no version"
        : version.Length > MaxVersionLength ? $"a version longer than {MaxVersionLength} characters"
        : version.Any(char.IsControl) ? "control characters in the version"
        : null;
}
