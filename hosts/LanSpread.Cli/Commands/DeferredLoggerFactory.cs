using Microsoft.Extensions.Logging;

namespace LanSpread.Cli.Commands;

/// <summary>
/// An <see cref="ILoggerFactory"/> that creates the real one only when a logger first writes a message at
/// or above <c>minimum</c>; until then loggers answer <see cref="ILogger.IsEnabled"/> from the level alone.
/// </summary>
internal sealed class DeferredLoggerFactory(LogLevel minimum, Func<ILoggerFactory> create) : ILoggerFactory
{
    private readonly Lazy<ILoggerFactory> _inner = new(create, LazyThreadSafetyMode.ExecutionAndPublication);
    private readonly List<ILoggerProvider> _providers = [];
    private bool _disposed;

    public LogLevel Minimum => minimum;

    public ILogger CreateLogger(string categoryName) => new DeferredLogger(this, categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
        lock (_providers)
        {
            if (_inner.IsValueCreated)
            {
                _inner.Value.AddProvider(provider);
            }
            else
            {
                _providers.Add(provider);
            }
        }
    }

    public void Dispose()
    {
        _disposed = true;
        if (_inner.IsValueCreated)
        {
            _inner.Value.Dispose(); // flushes the console writer
        }
    }

    /// <summary>The real logger of a category, creating the real factory on first use.</summary>
    internal ILogger Resolve(string categoryName)
    {
        if (_disposed)
        {
            return Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        }

        var created = !_inner.IsValueCreated;
        var inner = _inner.Value;
        if (created)
        {
            lock (_providers)
            {
                foreach (var provider in _providers)
                {
                    inner.AddProvider(provider);
                }

                _providers.Clear();
            }
        }

        return inner.CreateLogger(categoryName);
    }
}
