using System.Diagnostics;
using LanSpread.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace LanSpread.Cli.Tests.Terminal;

/// <summary>
/// <c>get</c> on a real pseudo-terminal (util-linux <c>script</c>) 80 columns wide, with its live
/// progress bars and info-level logs at once: no log text may land in a bar line, in any frame or on
/// the final screen; the bars fit the width; one bar per task remains, at 100%.
/// </summary>
public sealed class PseudoTerminalTests(ITestOutputHelper output)
{
    private static readonly string[] LogMarkers = ["info:", "warn:", "dbug:", "fail:", "crit:", "LanSpread."];

    [Fact]
    public async Task Get_progress_on_an_80_column_terminal_has_no_log_text_in_its_bars()
    {
        using var temp = new TempDir();
        var content = Enumerable.Range(0, 3).ToDictionary(i => $"data/pak{i}.bin", i => GameFixture.Bytes(8_000_000, 40 + i));
        GameFixture.Create(temp.Sub("bravo"), "openttd", "14.1", content);
        var (bravo, port) = await ProcessPeers.ServeAsync(temp, "bravo", temp.Sub("bravo"));
        using var bravoProcess = bravo;

        var get = string.Join(' ', new[]
        {
            "dotnet", Repo.CliDll, "get", "openttd", "--games", temp.Sub("client"), "--data", temp.Sub("client-data"), "--name", "client",
            "--listen", "127.0.0.1:0", "--no-mdns", "--peer", $"127.0.0.1:{port}", "--chunk-size", "1M", "--timeout", "60",
        }.Select(Quote));
        var (exitCode, stream, errors) = await RunOnTerminalAsync(get);
        output.WriteLine(stream.Replace("\u001b", "\\e", StringComparison.Ordinal));
        Assert.True(exitCode == 0, $"exit {exitCode}: {errors}\n{stream}");

        // Every frame: a piece of a line that draws a bar carries no log text.
        foreach (var piece in stream.Split(['\r', '\n']).Where(p => p.Contains('━', StringComparison.Ordinal)))
        {
            Assert.False(LogMarkers.Any(m => piece.Contains(m, StringComparison.Ordinal)), $"log text inside a bar line: {piece}");
        }

        // The final screen.
        var screen = new TerminalScreen(80);
        screen.Feed(stream);
        var rows = screen.Rows;
        output.WriteLine(string.Join('\n', rows));
        var bars = rows.Select((Text, Index) => (Text, Index)).Where(r => r.Text.Contains('━', StringComparison.Ordinal)).ToList();
        Assert.All(bars, bar => Assert.False(LogMarkers.Any(m => bar.Text.Contains(m, StringComparison.Ordinal)), $"log text inside a bar line: {bar.Text}"));
        var download = Assert.Single(bars, b => b.Text.Contains("openttd 14.1 from 1 peer", StringComparison.Ordinal));
        var install = Assert.Single(bars, b => b.Text.Contains("install openttd", StringComparison.Ordinal));
        Assert.Contains("100%", download.Text, StringComparison.Ordinal);
        Assert.Contains("100%", install.Text, StringComparison.Ordinal);
        Assert.Equal(2, bars.Count);

        // The live display fits 80 columns (long log lines may wrap, as any terminal does them).
        Assert.All(bars, bar => Assert.DoesNotContain(bar.Index, screen.WrappedRows));
        Assert.All(bars, bar => Assert.True(bar.Index == 0 || !screen.WrappedRows.Contains(bar.Index - 1), $"a bar continues a wrapped line: {bar.Text}"));

        // Log text only on rows of its own (a log line, or the wrapped rest of one), never mixed into output.
        for (var i = 0; i < rows.Count; i++)
        {
            var isLogRow = System.Text.RegularExpressions.Regex.IsMatch(rows[i], @"^\d\d:\d\d:\d\d\.\d{3} (info|warn|dbug|fail|crit): ") || (i > 0 && screen.WrappedRows.Contains(i - 1));
            Assert.True(isLogRow || !LogMarkers.Any(m => rows[i].Contains(m, StringComparison.Ordinal)), $"log text mixed into row {i}: {rows[i]}");
        }

        // The info logs were held, not lost: they follow the display.
        var downloadedLog = rows.Select((Text, Index) => (Text, Index)).Single(r => r.Text.Contains("info: LanSpread.Peer.Download.DownloadPipeline Downloaded openttd", StringComparison.Ordinal));
        Assert.True(downloadedLog.Index > install.Index, "the held log line should come after the bars");
        Assert.Contains(rows, r => r.StartsWith("installed openttd", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Demo_on_an_80_column_terminal_shows_one_bar_per_client_and_the_split_table()
    {
        using var temp = new TempDir();
        var demo = string.Join(' ', new[] { "dotnet", Repo.CliDll, "demo", "--size", "8M", "--dir", temp.Sub("demo") }.Select(Quote));
        var (exitCode, stream, errors) = await RunOnTerminalAsync(demo);
        output.WriteLine(stream.Replace("\u001b", "\\e", StringComparison.Ordinal));
        Assert.True(exitCode == 0, $"exit {exitCode}: {errors}\n{stream}");

        var screen = new TerminalScreen(80);
        screen.Feed(stream);
        var rows = screen.Rows;
        output.WriteLine(string.Join('\n', rows));

        // One bar per client, finished, naming what came from the seeder and from the other clients.
        var bars = rows.Select((Text, Index) => (Text, Index)).Where(r => r.Text.Contains('━', StringComparison.Ordinal)).ToList();
        Assert.Equal(3, bars.Count);
        for (var n = 1; n <= 3; n++)
        {
            var bar = Assert.Single(bars, b => b.Text.StartsWith($"client {n} installed seeder ", StringComparison.Ordinal));
            Assert.Contains("· clients ", bar.Text, StringComparison.Ordinal);
            Assert.Contains("100%", bar.Text, StringComparison.Ordinal);
            Assert.DoesNotContain(bar.Index, screen.WrappedRows); // the live view fits 80 columns
        }

        // Under the bars: the table with a row per client, every one verified, and the gain line.
        var header = rows.Select((Text, Index) => (Text, Index)).Single(r => r.Text.Contains("from the seeder", StringComparison.Ordinal) && r.Text.Contains("from other clients", StringComparison.Ordinal)).Index;
        Assert.True(header > bars[^1].Index, "the table should follow the bars");
        for (var n = 1; n <= 3; n++)
        {
            var row = Assert.Single(rows, r => r.Contains($"│ client {n} ", StringComparison.Ordinal));
            Assert.Contains("yes", row, StringComparison.Ordinal);
        }

        Assert.Contains(rows, r => r.StartsWith("3 clients got 8.0 MiB each in ", StringComparison.Ordinal));
        Assert.Contains("faster", string.Concat(rows), StringComparison.Ordinal);
    }

    /// <summary>Runs a shell command line on a pseudo-terminal 80 columns wide; its exit code, the raw stream and stderr.</summary>
    private static async Task<(int ExitCode, string Stream, string Errors)> RunOnTerminalAsync(string commandLine)
    {
        var info = new ProcessStartInfo("script") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var arg in new[] { "-qfec", $"stty cols 80 rows 40; exec {commandLine}", "/dev/null" })
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["TERM"] = "xterm-256color";
        info.Environment.Remove("NO_COLOR");
        using var terminal = Process.Start(info)!;
        terminal.StandardInput.Close();
        var raw = terminal.StandardOutput.ReadToEndAsync();
        var errors = terminal.StandardError.ReadToEndAsync();
        using (var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(90)))
        {
            await terminal.WaitForExitAsync(cancel.Token);
        }

        return (terminal.ExitCode, await raw, await errors);
    }

    private static string Quote(string arg) => $"'{arg.Replace("'", "'\\''", StringComparison.Ordinal)}'";
}
