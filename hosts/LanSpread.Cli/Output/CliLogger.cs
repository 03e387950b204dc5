using System.Globalization;
using Microsoft.Extensions.Logging;

namespace LanSpread.Cli.Output;

/// <summary>One category's logger for <see cref="CliLoggerProvider"/>.</summary>
internal sealed class CliLogger(string category, LogLevel minimum) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= minimum;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var line = $"{DateTime.Now.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)} {Label(logLevel)}: {category} {formatter(state, exception)}";

        // The exception's frames only where the user asked for detail.
        if (exception is not null && minimum <= LogLevel.Debug)
        {
            line += Environment.NewLine + exception;
        }
        else if (exception is not null)
        {
            line += $" ({exception.Message})";
        }

        TerminalLog.Write(logLevel, line);
    }

    private static string Label(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        _ => "crit",
    };
}
