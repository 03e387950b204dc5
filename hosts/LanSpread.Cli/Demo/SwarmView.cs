using LanSpread.Cli.Output;
using LanSpread.Core.Events;
using LanSpread.Core.Model;
using Spectre.Console;

namespace LanSpread.Cli.Demo;

/// <summary>
/// The demo's live view on a terminal: one bar per client whose text says how much came from the
/// seeder and how much from the other clients, as it happens. The clients' event loops call
/// <see cref="Show"/> from their own tasks, so every update goes through one lock.
/// </summary>
internal sealed class SwarmView
{
    private readonly Lock _gate = new();
    private readonly ProgressTask[] _bars;
    private readonly PeerId _seeder;

    private SwarmView(ProgressContext context, IReadOnlyList<DemoClient> clients, PeerId seeder)
    {
        _seeder = seeder;
        _bars = clients.Select(c => context.AddTask(Markup.Escape($"client {c.Number} waiting for the seeder"), maxValue: 1)).ToArray();
    }

    /// <summary>Runs <paramref name="body"/> with the bars up; logs below Warning are held until they end (<see cref="TerminalLog"/>).</summary>
    public static async Task RunAsync(IReadOnlyList<DemoClient> clients, PeerId seeder, Func<SwarmView, Task> body)
    {
        using var live = TerminalLog.BeginLive();
        await AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            // No byte count or ETA column: the text carries the split, and 80 columns must hold it all.
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn())
            .StartAsync(context => body(new SwarmView(context, clients, seeder)));
    }

    public void Show(DemoClient client, PeerEvent peerEvent)
    {
        lock (_gate)
        {
            var bar = _bars[client.Number - 1];
            switch (peerEvent)
            {
                case DownloadGameFilesBegin begin:
                    bar.MaxValue = Math.Max(1, begin.TotalBytes);
                    bar.Description = Split(client, string.Empty);
                    break;
                case DownloadProgress progress:
                    bar.Value = progress.BytesDone;
                    bar.Description = Split(client, string.Empty);
                    break;
                case DownloadGameFilesFinished:
                    bar.Value = bar.MaxValue;
                    bar.Description = Split(client, string.Empty);
                    break;
                case InstallGameFinished:
                    bar.Value = bar.MaxValue;
                    bar.Description = Split(client, " installed");
                    bar.StopTask();
                    break;
                case DownloadGameFilesFailed failed:
                    bar.StopTask();
                    AnsiConsole.MarkupLine($"[red]client {client.Number}: download failed[/]: {Markup.Escape(failed.Reason)}");
                    break;
                case InstallGameFailed failed:
                    bar.StopTask();
                    AnsiConsole.MarkupLine($"[red]client {client.Number}: install failed[/]: {Markup.Escape(failed.Reason)}");
                    break;
                case NoPeersHaveGame none:
                    bar.StopTask();
                    AnsiConsole.MarkupLine($"[red]client {client.Number}: no peer has[/] {Markup.Escape(none.Game)}");
                    break;
            }
        }
    }

    /// <summary>"client 2 seeder 12.0 MiB · clients 30.3 MiB": the split so far.</summary>
    private string Split(DemoClient client, string suffix) =>
        $"client {client.Number}{suffix} [grey]seeder[/] {ByteSize.Format(client.FromSeeder(_seeder))} [grey]· clients[/] [green]{ByteSize.Format(client.FromClients(_seeder))}[/]";
}
