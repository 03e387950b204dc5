using Microsoft.Extensions.Logging;

namespace LanSpread.Cli.Commands;

/// <summary>Logs go to stderr (stdout is reserved for JSONL events).</summary>
internal static class CliLogging
{
    public static ILoggerFactory Create(LogLevel level) => LoggerFactory.Create(builder => builder
        .SetMinimumLevel(level)
        .AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        })
        .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
}
