using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace LanSpread.Plugins.Tests.Unpacking;

/// <summary>Appends each formatted message to a shared queue.</summary>
public sealed class RecordingLogger(ConcurrentQueue<string> messages) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        messages.Enqueue(formatter(state, exception));
}
