using LanSpread.Cli.Output;
using Microsoft.Extensions.Logging;

namespace LanSpread.Cli.Commands;

/// <summary>Logs go to stderr (stdout is reserved for JSONL events), through <see cref="TerminalLog"/>.</summary>
internal static class CliLogging
{
    public static ILoggerFactory Create(LogLevel level) => LoggerFactory.Create(builder => builder
        .SetMinimumLevel(level)
        .AddProvider(new CliLoggerProvider(level)));
}
