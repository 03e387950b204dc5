using Microsoft.Extensions.Logging;

namespace LanSpread.Cli.Commands;

/// <summary>A logger of a <see cref="DeferredLoggerFactory"/>: resolves the real logger on its first enabled message.</summary>
internal sealed class DeferredLogger(DeferredLoggerFactory factory, string categoryName) : ILogger
{
    private ILogger? _inner;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => _inner?.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= factory.Minimum;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        _inner ??= factory.Resolve(categoryName);
        _inner.Log(logLevel, eventId, state, exception, formatter);
    }
}
