using LanSpread.Cli.Output;
using LanSpread.Peer.Composition;
using LanSpread.Peer.Library;
using Microsoft.Extensions.Logging;

namespace LanSpread.Cli.Commands;

/// <summary>
/// The top of every verb: a failure the user can cause becomes one line on stderr and the documented
/// exit code; the stack trace is printed only with <c>--log-level debug</c> (or trace).
/// </summary>
internal static class ErrorBoundary
{
    /// <summary>True when the command line asks for debug detail (read before parsing, so it works for parse failures too).</summary>
    public static bool WantsDetail(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        for (var i = 0; i < args.Count; i++)
        {
            var value = args[i].StartsWith("--log-level=", StringComparison.Ordinal) ? args[i]["--log-level=".Length..]
                : args[i] == "--log-level" && i + 1 < args.Count ? args[i + 1]
                : null;
            if (value is not null && OptionParsers.TryParseLevel(value) is { } level && level <= LogLevel.Debug)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Writes the one line for <paramref name="exception"/> and returns the exit code.</summary>
    public static int Report(Exception exception, bool detail)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var (code, message) = exception switch
        {
            UsageException or PluginSelectionException or CatalogException => (ExitCodes.Usage, exception.Message),
            OperationCanceledException => (ExitCodes.Failure, "interrupted"),
            IOException or UnauthorizedAccessException => (ExitCodes.Failure, exception.Message),
            _ => (ExitCodes.Failure, $"{exception.Message} (an unexpected failure: run again with --log-level debug for the details)"),
        };
        Console.Error.WriteLine($"lanspread: {OneLine(message)}");
        if (detail)
        {
            Console.Error.WriteLine(exception);
        }

        return code;
    }

    /// <summary>Messages from the runtime can carry line breaks; the user gets one line.</summary>
    public static string OneLine(string message) => string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
