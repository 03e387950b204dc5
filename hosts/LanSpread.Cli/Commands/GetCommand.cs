using System.CommandLine;
using LanSpread.Cli.Output;
using LanSpread.Core.Commands;
using LanSpread.Core.Events;
using LanSpread.Peer.Hosting;
using Spectre.Console;

namespace LanSpread.Cli.Commands;

/// <summary>
/// <c>lanspread get GAME</c>: wait until K peers offer the game, download it from every peer with the
/// latest version, install it, exit 0; on failure or timeout a final failure event and a non-zero code.
/// </summary>
internal static class GetCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var game = new Argument<string>("game") { Description = "The game id" };
        var peers = new Option<int>("--peers") { Description = "Wait for this many peers offering the game", DefaultValueFactory = _ => 1 };
        var timeout = new Option<double>("--timeout") { Description = "Give up after this many seconds", DefaultValueFactory = _ => 600 };
        var noInstall = new Option<bool>("--no-install") { Description = "Download only" };
        var update = new Option<bool>("--update") { Description = "Fetch the latest version from peers (an update)" };
        var allowDowngrade = new Option<bool>("--allow-downgrade") { Description = "Replace a newer version held here by the older one peers offer" };
        var command = new Command("get", "Download a game from every peer that has its latest version, then install it. " + ExitCodes.Help) { game };
        command.Options.Add(peers);
        command.Options.Add(timeout);
        command.Options.Add(noInstall);
        command.Options.Add(update);
        command.Options.Add(allowDowngrade);
        common.AddTo(command);
        command.SetAction((result, cancellationToken) =>
            PeerSession.RunAsync(result, common, installAfterDownload: !result.GetValue(noInstall), (host, json) =>
                RunAsync(host, json, result.GetValue(game)!, Math.Max(1, result.GetValue(peers)), TimeSpan.FromSeconds(result.GetValue(timeout)), !result.GetValue(noInstall), result.GetValue(update), result.GetValue(allowDowngrade), cancellationToken),
                cancellationToken));
        return command;
    }

    private static Task<int> RunAsync(PeerHost host, bool json, string game, int wantPeers, TimeSpan timeout, bool install, bool update, bool allowDowngrade, CancellationToken cancellationToken) =>
        json
            ? RunAsync(host, EventJson.Write, json, game, wantPeers, timeout, install, update, allowDowngrade, cancellationToken)
            : ConsoleProgress.RunAsync(show => RunAsync(host, show, json, game, wantPeers, timeout, install, update, allowDowngrade, cancellationToken));

    private static async Task<int> RunAsync(PeerHost host, Action<PeerEvent> show, bool json, string game, int wantPeers, TimeSpan timeout, bool install, bool update, bool allowDowngrade, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var runtime = host.Runtime;
        var state = Stage.WaitingForPeers;
        var code = ExitCodes.Timeout;
        try
        {
            await foreach (var peerEvent in runtime.Events.ReadAllAsync(deadline.Token))
            {
                show(peerEvent);
                switch (state, peerEvent)
                {
                    case (Stage.WaitingForPeers, LibrarySnapshot or PeerDiscovered or PeerCountChanged)
                        when runtime.PeerGameDb.PeersWithLatest(game).Count >= wantPeers:
                        state = Stage.WaitingForFiles;
                        await runtime.SendAsync(update ? new FetchLatestFromPeers(game) : new GetGame(game), deadline.Token);
                        break;
                    case (Stage.WaitingForFiles, NoPeersHaveGame n) when n.Game == game:
                        return ExitCodes.NotFound;
                    case (Stage.WaitingForFiles, GotGameFiles files) when files.Game == game:
                        state = Stage.Downloading;
                        await runtime.SendAsync(new DownloadGameFiles(game, files.Files, allowDowngrade), deadline.Token);
                        break;
                    case (Stage.Downloading, GameUpToDate u) when u.Game == game:
                        if (!json)
                        {
                            AnsiConsole.MarkupLine($"[green]{Markup.Escape(game)} {Markup.Escape(u.Version)} is already up to date[/]");
                        }

                        if (!install || !u.Installing)
                        {
                            return ExitCodes.Success;
                        }

                        state = Stage.Installing;
                        break;
                    case (_, PeerBanned b) when b.Game == game && !json:
                        AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(b.Peer)} sent bad data and is no longer used: {Markup.Escape(b.Reason)}[/]");
                        break;
                    case (_, PeerSkipped p) when p.Game == game && !json:
                        AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(p.Peer)} is skipped: {Markup.Escape(p.Reason)}[/]");
                        break;
                    case (Stage.Downloading, DownloadGameFilesFailed f) when f.Game == game:
                        return ExitCodes.TransferFailed;
                    case (Stage.Downloading, DownloadGameFilesCancelled c) when c.Game == game:
                        return ExitCodes.TransferFailed;
                    case (Stage.Downloading, DownloadGameFilesFinished f) when f.Game == game:
                        if (!install)
                        {
                            return ExitCodes.Success;
                        }

                        state = Stage.Installing;
                        break;
                    case (Stage.Installing, InstallGameFinished f) when f.Game == game:
                        return ExitCodes.Success;
                    case (Stage.Installing, InstallGameFailed f) when f.Game == game:
                        return ExitCodes.InstallFailed;
                }
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            var reason = cancellationToken.IsCancellationRequested ? "interrupted" : $"timed out after {timeout.TotalSeconds:0}s while {Describe(state)}";
            code = cancellationToken.IsCancellationRequested ? ExitCodes.Failure : ExitCodes.Timeout;
            var final = new DownloadGameFilesFailed(game, reason);
            if (json)
            {
                EventJson.Write(final);
            }
            else
            {
                AnsiConsole.MarkupLine($"[red]{Markup.Escape(reason)}[/]");
            }
        }

        return code;
    }

    private static string Describe(Stage stage) => stage switch
    {
        Stage.WaitingForPeers => "waiting for peers offering the game",
        Stage.WaitingForFiles => "waiting for the file list",
        Stage.Downloading => "downloading",
        _ => "installing",
    };

    private enum Stage
    {
        WaitingForPeers,
        WaitingForFiles,
        Downloading,
        Installing,
    }
}
