using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace LanSpread.Cli.Output;

/// <summary>
/// The one writer of log lines to stderr. While a live progress display owns the terminal, a line
/// written straight to stderr would land inside the bars (both streams reach the same screen), so:
/// warnings and errors go through the display (printed above the bars), lower levels are held and
/// written when the display ends.
/// </summary>
internal static class TerminalLog
{
    private static readonly Lock Gate = new();
    private static readonly List<string> Held = [];
    private static bool _live;

    /// <summary>Writes one formatted log line.</summary>
    public static void Write(LogLevel level, string line)
    {
        lock (Gate)
        {
            if (!_live)
            {
                Console.Error.WriteLine(line);
                return;
            }

            if (level >= LogLevel.Warning)
            {
                AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(line)}[/]");
            }
            else
            {
                Held.Add(line);
            }
        }
    }

    /// <summary>Marks the start of a live display; the returned scope ends it and writes what was held.</summary>
    public static IDisposable BeginLive()
    {
        lock (Gate)
        {
            // Only a terminal shared by both streams needs the gate: with stderr redirected, logs cannot
            // reach the bars and are written as they come.
            _live = !Console.IsErrorRedirected;
        }

        return new LiveScope();
    }

    private static void EndLive()
    {
        lock (Gate)
        {
            _live = false;
            foreach (var line in Held)
            {
                Console.Error.WriteLine(line);
            }

            Held.Clear();
        }
    }

    private sealed class LiveScope : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                EndLive();
            }
        }
    }
}
