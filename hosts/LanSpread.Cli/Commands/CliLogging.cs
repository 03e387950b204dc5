using Microsoft.Extensions.Logging;

namespace LanSpread.Cli.Commands;

/// <summary>Logs go to stderr (stdout is reserved for JSONL events).</summary>
internal static class CliLogging
{
    /// <summary>
    /// A factory whose console logging is built on the first message that passes the level: building it
    /// (options, DI, a writer thread) is a large part of a short command's start-up, and `list` or
    /// `plugins` usually log nothing.
    /// </summary>
    public static ILoggerFactory Create(LogLevel level) => new DeferredLoggerFactory(level, () => LoggerFactory.Create(builder => builder
        .SetMinimumLevel(level)
        .AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        })
        .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)));
}
