using LanSpread.Peer.Runtime;
using Microsoft.Extensions.Logging;

namespace LanSpread.Cli.Commands;

/// <summary>
/// One running peer per data directory (it holds the identity: two peers with one identity ignore
/// each other as "self"). Held as an exclusive lock on <c>peer.lock</c> for the life of the process;
/// the kernel drops it when the process dies, so a killed peer never leaves a stale lock. When the
/// user did not choose <c>--data</c> and the default one is in use (say <c>serve</c> in one terminal,
/// <c>get</c> in another), the next free <c>lanspread-2</c>, <c>-3</c>, … is used, with its own identity.
/// </summary>
internal sealed class DataDirectoryLock : IDisposable
{
    private const string LockFile = "peer.lock";
    private const int MaxAlternatives = 16;
    private readonly FileStream? _lock;

    private DataDirectoryLock(string directory, FileStream? lockStream)
    {
        Directory = directory;
        _lock = lockStream;
    }

    /// <summary>The data directory this process uses.</summary>
    public string Directory { get; }

    /// <summary>Takes the lock on <paramref name="chosen"/>, or on the default directory or the next free alternative.</summary>
    public static DataDirectoryLock Acquire(string? chosen, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        if (chosen is not null)
        {
            var held = TryLock(chosen);
            if (held is null)
            {
                logger.LogWarning("Another running peer uses the data directory {Directory}: both have one identity and will not see each other; give each its own --data", chosen);
            }

            return new DataDirectoryLock(chosen, held);
        }

        var first = PeerRuntimeOptions.DefaultDataDirectory();
        for (var i = 1; i <= MaxAlternatives; i++)
        {
            var candidate = i == 1 ? first : $"{first}-{i}";
            if (TryLock(candidate) is { } stream)
            {
                if (i > 1)
                {
                    logger.LogWarning("The data directory {Default} is in use by another peer on this machine: using {Directory} (its own identity)", first, candidate);
                }

                return new DataDirectoryLock(candidate, stream);
            }
        }

        throw new UsageException($"{first} and {MaxAlternatives - 1} alternatives are in use by running peers; give this one its own --data DIR");
    }

    public void Dispose() => _lock?.Dispose();

    private static FileStream? TryLock(string directory)
    {
        System.IO.Directory.CreateDirectory(directory);
        try
        {
            // FileShare.None is an exclusive flock() on Unix: a second process gets an IOException.
            return new FileStream(Path.Combine(directory, LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
