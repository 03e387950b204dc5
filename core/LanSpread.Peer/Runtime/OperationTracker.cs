using System.Collections.Concurrent;

namespace LanSpread.Peer.Runtime;

/// <summary>
/// One operation (download, install, uninstall) per game at a time. The local game monitor asks it
/// whether a game is busy, and is told when an operation ends so held rescans can run.
/// </summary>
public sealed class OperationTracker
{
    public const string Download = "download";
    public const string Install = "install";
    public const string Uninstall = "uninstall";

    private readonly ConcurrentDictionary<string, string> _running = new(StringComparer.Ordinal);

    public event Action<string>? Ended;

    public bool IsBusy(string gameId) => _running.ContainsKey(gameId);

    public string? RunningOperation(string gameId) => _running.GetValueOrDefault(gameId);

    /// <summary>Claims the game for an operation; null when another operation holds it.</summary>
    public IDisposable? TryBegin(string gameId, string operation) =>
        _running.TryAdd(gameId, operation) ? new Claim(this, gameId) : null;

    private void End(string gameId)
    {
        if (_running.TryRemove(gameId, out _))
        {
            Ended?.Invoke(gameId);
        }
    }

    private sealed class Claim(OperationTracker owner, string gameId) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.End(gameId);
            }
        }
    }
}
