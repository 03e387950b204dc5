using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace LanSpread.Plugins.Tests.Unpacking;

/// <summary>A logger factory that keeps every formatted message (all levels), so a test can see which path a plugin took.</summary>
public sealed class RecordingLoggerFactory : ILoggerFactory
{
    public ConcurrentQueue<string> Messages { get; } = new();

    public ILogger CreateLogger(string categoryName) => new RecordingLogger(Messages);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }
}
