using LanSpread.Cli.Output;
using Microsoft.Extensions.Logging;

namespace LanSpread.Cli.Commands;

/// <summary>Logs go to stderr (stdout is reserved for JSONL events), through <see cref="TerminalLog"/>.</summary>
internal static class CliLogging
{
    /// <summary>
    /// A factory whose logging is built on the first message that passes the level: building a
    /// LoggerFactory (options, DI) is part of a short command's start-up, and `list` or `plugins` usually
    /// log nothing.
    /// </summary>
    public static ILoggerFactory Create(LogLevel level) => new DeferredLoggerFactory(level, () => LoggerFactory.Create(builder => builder
        .SetMinimumLevel(level)
        .AddProvider(new CliLoggerProvider(level))));
}
