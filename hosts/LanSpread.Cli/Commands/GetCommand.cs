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
    /// <summary>
    /// Quiet time after the last newly discovered peer before "no peer offers the game" is final (exit 3).
    /// A peer's game list arrives before it counts as discovered, so this only covers peers still on
    /// their way (an mDNS answer in flight, a peer process starting).
    /// </summary>
    public const double DefaultSettleSeconds = 5;

    /// <summary>
    /// How long get waits, past the settle time, while a peer reports GAME as still hashing (a seeder
    /// that just started with a big library lists a game only once its manifest is ready). Generous:
    /// hashing runs at disk speed, so a large library takes minutes; --timeout bounds the whole get anyway.
    /// </summary>
    public const double DefaultHashWaitSeconds = 600;

    public static Command Create()
    {
        var common = new CommonOptions();
        var game = GameArgument.Create();
        var peers = OptionParsers.Count("--peers", "Wait for this many peers offering the game (default 1)", 1, 1, 1000);
        var timeout = OptionParsers.Seconds("--timeout", "Give up after this many seconds (default 600; exit 4)", 600);
        var settle = OptionParsers.Seconds("--settle", $"Exit 3 when peers were found, none offers GAME and no new peer came for this many seconds (default {DefaultSettleSeconds})", DefaultSettleSeconds, 3600);
        var hashWait = OptionParsers.Seconds("--hash-wait", $"While a peer reports GAME as still hashing, wait this many seconds for it before exit 3 (default {DefaultHashWaitSeconds}; --timeout still applies)", DefaultHashWaitSeconds, 86400);
        var noInstall = new Option<bool>("--no-install") { Description = "Download only" };
        var update = new Option<bool>("--update") { Description = "Fetch the latest version from peers (an update); plain get does the same, kept for scripts" };
        var allowDowngrade = new Option<bool>("--allow-downgrade") { Description = "Replace a newer version held here by the older one peers offer" };
        var command = new Command("get", "Download a game from every peer that has its latest version, then install it. " + ExitCodes.Help) { game };
        command.Options.Add(peers);
        command.Options.Add(timeout);
        command.Options.Add(settle);
        command.Options.Add(hashWait);
        command.Options.Add(noInstall);
        command.Options.Add(update);
        command.Options.Add(allowDowngrade);
        common.AddTo(command);
        command.SetAction((result, cancellationToken) =>
        {
            var request = new Request(result.GetValue(game)!, result.GetValue(peers), TimeSpan.FromSeconds(result.GetValue(timeout)), TimeSpan.FromSeconds(result.GetValue(settle)), TimeSpan.FromSeconds(result.GetValue(hashWait)), !result.GetValue(noInstall), result.GetValue(allowDowngrade));
            return PeerSession.RunAsync(result, common, installAfterDownload: request.Install, (host, json) => RunAsync(host, json, request, cancellationToken), cancellationToken);
        });
        return command;
    }

    private static Task<int> RunAsync(PeerHost host, bool json, Request request, CancellationToken cancellationToken) =>
        json
            ? RunAsync(host, EventJson.Write, json, request, cancellationToken)
            : ConsoleProgress.RunAsync(show => RunAsync(host, show, json, request, cancellationToken));

    private static async Task<int> RunAsync(PeerHost host, Action<PeerEvent> show, bool json, Request request, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(request.Timeout);
        var runtime = host.Runtime;
        var game = request.Game;
        var state = Stage.WaitingForPeers;
        var lastNewPeer = DateTime.UtcNow;
        DateTime? hashingSince = null;
        string? failure = null;
        var code = ExitCodes.Timeout;
        await using var events = runtime.Events.ReadAllAsync(deadline.Token).GetAsyncEnumerator(deadline.Token);
        Task<bool>? next = null;
        try
        {
            while (failure is null)
            {
                next ??= events.MoveNextAsync().AsTask();

                // Wake at least every quarter second so the settle rule is checked when nothing happens.
                if (await Task.WhenAny(next, Task.Delay(TimeSpan.FromMilliseconds(250), CancellationToken.None)) != next)
                {
                    if (state == Stage.WaitingForPeers && NoneOffers(runtime, game) is { } known && DateTime.UtcNow - lastNewPeer >= request.Settle
                        && runtime.PeerGameDb.PeersHashing(game) is { } hashing)
                    {
                        // A peer that has GAME but still hashes it lists it once its manifest is ready: keep waiting (bounded).
                        if (hashing.Count > 0)
                        {
                            if (hashingSince is null)
                            {
                                hashingSince = DateTime.UtcNow;
                                var seeders = string.Join(", ", hashing.Select(p => p.Name));
                                if (json)
                                {
                                    await Console.Error.WriteLineAsync($"lanspread: waiting for seeder {seeders} to finish hashing {game}");
                                }
                                else
                                {
                                    AnsiConsole.MarkupLine($"[yellow]waiting for seeder {Markup.Escape(seeders)} to finish hashing {Markup.Escape(game)}[/]");
                                }
                            }

                            if (DateTime.UtcNow - hashingSince < request.HashWait)
                            {
                                continue;
                            }

                            failure = $"'{game}' was still being hashed by {string.Join(", ", hashing.Select(p => p.Name))} after {request.HashWait.TotalSeconds:0}s (--hash-wait)";
                            code = ExitCodes.NotFound;
                            break;
                        }

                        failure = $"none of the {known} peer(s) found offers '{game}' (peers announce only games in their catalog: see 'lanspread catalog')";
                        code = ExitCodes.NotFound;
                        break;
                    }

                    continue;
                }

                if (!await next)
                {
                    break;
                }

                next = null;
                var peerEvent = events.Current;
                show(peerEvent);
                if (peerEvent is PeerDiscovered)
                {
                    lastNewPeer = DateTime.UtcNow;
                }

                switch (state, peerEvent)
                {
                    case (Stage.WaitingForPeers, LibrarySnapshot or PeerDiscovered or PeerCountChanged)
                        when runtime.PeerGameDb.PeersWithLatest(game).Count >= request.Peers:
                        // One command: the runtime fetches the details, downloads and (unless --no-install) installs.
                        state = Stage.WaitingForFiles;
                        await runtime.SendAsync(new DownloadGame(game, request.AllowDowngrade), deadline.Token);
                        break;
                    case (Stage.WaitingForFiles, NoPeersHaveGame n) when n.Game == game:
                        return ExitCodes.NotFound;
                    case (Stage.WaitingForFiles, GotGameFiles files) when files.Game == game:
                        state = Stage.Downloading;
                        break;
                    case (Stage.WaitingForFiles or Stage.Downloading, CommandFailed f) when f.Command == nameof(DownloadGame):
                        failure = f.Reason;
                        code = ExitCodes.Failure;
                        break;
                    case (Stage.Downloading, GameUpToDate u) when u.Game == game:
                        if (!json)
                        {
                            AnsiConsole.MarkupLine($"[green]{Markup.Escape(game)} {Markup.Escape(u.Version)} is already up to date[/]");
                        }

                        if (!request.Install || !u.Installing)
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
                        if (!request.Install)
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
            failure = cancellationToken.IsCancellationRequested ? "interrupted" : $"timed out after {request.Timeout.TotalSeconds:0}s while {Describe(state)}";
            code = cancellationToken.IsCancellationRequested ? ExitCodes.Failure : ExitCodes.Timeout;
        }
        finally
        {
            // The pending read ends with the deadline; observe it so it does not go unobserved.
            await deadline.CancelAsync();
            if (next is not null)
            {
                await next.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }

        if (failure is not null)
        {
            var final = new DownloadGameFilesFailed(game, failure);
            if (json)
            {
                EventJson.Write(final);
                await Console.Error.WriteLineAsync($"lanspread: {failure}");
            }
            else
            {
                AnsiConsole.MarkupLine($"[red]{Markup.Escape(failure)}[/]");
            }
        }

        return code;
    }

    /// <summary>The number of known peers when there are some and none offers the game, else null.</summary>
    private static int? NoneOffers(Peer.Runtime.PeerRuntimeHandle runtime, string game)
    {
        var known = runtime.PeerGameDb.Count;
        return known > 0 && runtime.PeerGameDb.LatestVersion(game) is null ? known : null;
    }

    private static string Describe(Stage stage) => stage switch
    {
        Stage.WaitingForPeers => "waiting for peers offering the game",
        Stage.WaitingForFiles => "waiting for the file list",
        Stage.Downloading => "downloading",
        _ => "installing",
    };

    private sealed record Request(string Game, int Peers, TimeSpan Timeout, TimeSpan Settle, TimeSpan HashWait, bool Install, bool AllowDowngrade);

    private enum Stage
    {
        WaitingForPeers,
        WaitingForFiles,
        Downloading,
        Installing,
    }
}
