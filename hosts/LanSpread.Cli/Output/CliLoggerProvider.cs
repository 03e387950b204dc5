using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace LanSpread.Cli.Output;

/// <summary>
/// Single-line logs on stderr (<c>HH:mm:ss.fff level: Category message</c>), written synchronously
/// through <see cref="TerminalLog"/> so they never interleave with the live progress display.
/// </summary>
internal sealed class CliLoggerProvider(LogLevel minimum) : ILoggerProvider
{
    private readonly ConcurrentDictionary<string, CliLogger> _loggers = new(StringComparer.Ordinal);

    public ILogger CreateLogger(string categoryName) => _loggers.GetOrAdd(categoryName, name => new CliLogger(name, minimum));

    public void Dispose() => _loggers.Clear();
}
