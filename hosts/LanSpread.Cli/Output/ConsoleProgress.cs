using LanSpread.Core.Events;
using Spectre.Console;

namespace LanSpread.Cli.Output;

/// <summary>
/// Human output on a terminal: Spectre.Console's live progress display (bytes, rate, ETA; the serving
/// peers in the description) for downloads and installs, and one line per milestone.
/// </summary>
internal sealed class ConsoleProgress(ProgressContext context)
{
    private ProgressTask? _download;
    private ProgressTask? _install;
    private string _title = string.Empty;

    /// <summary>
    /// Runs <paramref name="body"/> with a live progress display; <c>show</c> renders each event. Logs
    /// below Warning are held until the display ends (<see cref="TerminalLog"/>), so no log text is
    /// written over the bars.
    /// </summary>
    public static async Task<int> RunAsync(Func<Action<PeerEvent>, Task<int>> body)
    {
        using var live = TerminalLog.BeginLive();
        return await AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(context => body(new ConsoleProgress(context).Show));
    }

    public void Show(PeerEvent peerEvent)
    {
        switch (peerEvent)
        {
            case PeerDiscovered d:
                AnsiConsole.MarkupLine($"[grey]peer[/] {Markup.Escape(d.Peer)} [grey]{Markup.Escape(d.Address)}[/]");
                break;
            case DownloadGameFilesBegin b:
                // The words the progress events use later ("1 peer: bravo"), so a download too quick for one reads the same.
                var peers = $"{b.Peers.Count} peer{(b.Peers.Count == 1 ? string.Empty : "s")}: {string.Join(", ", b.Peers.Take(3).Select(p => p.Name))}{(b.Peers.Count > 3 ? ", …" : string.Empty)}";
                _title = $"{b.Game} {b.Version}";
                _download = context.AddTask(Markup.Escape($"{_title} from {peers}"), maxValue: Math.Max(1, b.TotalBytes));
                break;
            case DownloadProgress p when _download is not null:
                _download.Value = p.BytesDone;
                if (SwarmSummary.Describe(p) is { } swarm)
                {
                    _download.Description = Markup.Escape($"{_title} from {swarm}");
                }

                break;
            case DownloadGameFilesFinished f:
                _download?.Value(_download.MaxValue);
                _download?.StopTask();
                AnsiConsole.MarkupLine($"[green]downloaded[/] {Markup.Escape(f.Game)} {Markup.Escape(f.Version)} in {f.Seconds:0.0}s: " +
                    Markup.Escape(string.Join(", ", f.BytesByPeer.Select(p => $"{p.Peer} {Size(p.Bytes)}"))));
                break;
            case DownloadGameFilesFailed f:
                _download?.StopTask();
                AnsiConsole.MarkupLine($"[red]download failed[/]: {Markup.Escape(f.Reason)}");
                break;
            case InstallGameBegin i:
                _install = context.AddTask(Markup.Escape($"{i.Mode.ToString().ToLowerInvariant()} {i.Game}"), maxValue: 1);
                break;
            case InstallProgress p when _install is not null && p.TotalBytes > 0:
                _install.MaxValue = p.TotalBytes;
                _install.Value = p.BytesDone;
                break;
            case InstallGameFinished i:
                _install?.Value(_install.MaxValue);
                _install?.StopTask();
                AnsiConsole.MarkupLine($"[green]installed[/] {Markup.Escape(i.Game)}");
                break;
            case InstallGameFailed i:
                _install?.StopTask();
                AnsiConsole.MarkupLine($"[red]install failed[/]: {Markup.Escape(i.Reason)}");
                break;
            case NoPeersHaveGame n:
                AnsiConsole.MarkupLine($"[red]no peer has[/] {Markup.Escape(n.Game)}");
                break;
        }
    }

    public static string Size(long bytes) => ByteSize.Format(bytes);
}
