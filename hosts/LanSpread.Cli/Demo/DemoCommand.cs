using System.CommandLine;
using System.Net;
using LanSpread.Cli.Commands;
using LanSpread.Cli.Output;
using LanSpread.Core.Commands;
using LanSpread.Core.Events;
using LanSpread.Peer.Hosting;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace LanSpread.Cli.Demo;

/// <summary>
/// <c>lanspread demo</c>: the embedded default. Makes a sample game (a real stored RAR5 archive), runs
/// two peers in this process on loopback (no mDNS, no network), downloads and installs the game on the
/// second, verifies the installed files against the source, and prints where everything is.
/// </summary>
internal static class DemoCommand
{
    private const string GameId = "openttd";

    public static Command Create()
    {
        var directory = new Option<DirectoryInfo?>("--dir") { HelpName = "DIR", Description = "Where to put the demo, kept afterwards (a new or empty directory; default: a temporary one, removed at the end)" };
        var keep = new Option<bool>("--keep") { Description = "Keep the temporary demo tree (it is removed by default)" };
        var size = new Option<string>("--size") { HelpName = "SIZE", Description = "Sample game size, up to 4G (default 48M)", DefaultValueFactory = _ => "48M" };
        var json = new Option<bool>("--json") { Description = "JSONL events instead of the live view" };
        var logLevel = OptionParsers.Level(LogLevel.Warning);
        var command = new Command("demo", "Run the embedded demo: two peers on loopback, one downloads and installs a sample game from the other");
        command.Options.Add(directory);
        command.Options.Add(keep);
        command.Options.Add(size);
        command.Options.Add(json);
        command.Options.Add(logLevel);
        command.SetAction(async (result, cancellationToken) =>
        {
            var bytes = CommonOptions.ParseSize(result.GetValue(size), "--size", 4L << 30) ?? 48L << 20;
            var given = result.GetValue(directory)?.FullName;
            if (given is not null && File.Exists(given))
            {
                throw new UsageException($"--dir '{given}' is a file; give a new or empty directory");
            }

            if (given is not null && Directory.Exists(given) && Directory.EnumerateFileSystemEntries(given).Any())
            {
                throw new UsageException($"--dir '{given}' is not empty; give a new or empty directory");
            }

            var root = given ?? Path.Combine(Path.GetTempPath(), $"lanspread-demo-{DateTime.Now:yyyyMMdd-HHmmss}-{Environment.ProcessId}");
            var remove = given is null && !result.GetValue(keep);
            var asJson = result.GetValue(json) || Console.IsOutputRedirected;
            using var loggerFactory = CliLogging.Create(result.GetValue(logLevel));
            try
            {
                return await RunAsync(root, bytes, asJson, !remove, loggerFactory, cancellationToken);
            }
            finally
            {
                if (remove)
                {
                    // The sample game is big (48 MiB twice plus the installed copy): leave nothing in /tmp.
                    TryDelete(root);
                    Say(asJson, $"Removed the demo tree {root} (keep it with --keep, or choose where with --dir DIR)");
                }
            }
        });
        return command;
    }

    private static void TryDelete(string root)
    {
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"lanspread: could not remove the demo tree {root}: {ex.Message}");
        }
    }

    private static async Task<int> RunAsync(string root, long size, bool json, bool kept, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var seederGames = Path.Combine(root, "seeder", "games");
        var clientGames = Path.Combine(root, "client", "games");
        Directory.CreateDirectory(clientGames);
        Say(json, $"Making a sample game '{GameId}' ({ConsoleProgress.Size(size)}) in {seederGames}");
        var source = SampleGame.Create(Path.Combine(seederGames, GameId), size, "20261125");

        var loopback = new IPEndPoint(IPAddress.Loopback, 0);
        await using var seeder = await PeerHost.StartAsync(new PeerHostSettings
        {
            GameDirectory = seederGames,
            DataDirectory = Path.Combine(root, "seeder", "data"),
            Name = "demo-seeder",
            Listen = loopback,
            NoMdns = true,
        }, loggerFactory, cancellationToken);
        await using var client = await PeerHost.StartAsync(new PeerHostSettings
        {
            GameDirectory = clientGames,
            DataDirectory = Path.Combine(root, "client", "data"),
            Name = "demo-client",
            Listen = loopback,
            NoMdns = true,
            StaticPeers = [seeder.Runtime.LocalEndPoint],
        }, loggerFactory, cancellationToken);
        Say(json, $"Seeder {seeder.Runtime.PeerId.Abbreviated} on {seeder.Runtime.LocalEndPoint}, client {client.Runtime.PeerId.Abbreviated} on {client.Runtime.LocalEndPoint} ({client.Transport.Name}, {client.Planner.Name}, {client.Unpacker.Name})");

        var outcome = json
            ? await TransferAsync(client, EventJson.Write, cancellationToken)
            : await ConsoleProgress.RunAsync(show => TransferAsync(client, show, cancellationToken));
        if (outcome != ExitCodes.Success)
        {
            Say(json, kept ? $"The demo failed (exit {outcome}); everything is under {root}" : $"The demo failed (exit {outcome}); run it with --keep to inspect the tree");
            return outcome;
        }

        return await VerifyAsync(json, kept, source, seederGames, clientGames, cancellationToken);
    }

    /// <summary>One DownloadGame (details, transfer, install inside the runtime), until the install finishes or something fails.</summary>
    private static async Task<int> TransferAsync(PeerHost client, Action<PeerEvent> show, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromMinutes(5));
        var asked = false;
        var outcome = ExitCodes.Timeout;
        try
        {
            await foreach (var peerEvent in client.Runtime.Events.ReadAllAsync(deadline.Token))
            {
                show(peerEvent);
                if (!asked && client.Runtime.PeerGameDb.PeersWithLatest(GameId).Count > 0)
                {
                    asked = true;
                    await client.Runtime.SendAsync(new DownloadGame(GameId), deadline.Token);
                }

                if (peerEvent is NoPeersHaveGame)
                {
                    outcome = ExitCodes.NotFound;
                    break;
                }
                else if (peerEvent is DownloadGameFilesFailed or DownloadGameFilesCancelled)
                {
                    outcome = ExitCodes.TransferFailed;
                    break;
                }
                else if (peerEvent is InstallGameFailed)
                {
                    outcome = ExitCodes.InstallFailed;
                    break;
                }
                else if (peerEvent is InstallGameFinished)
                {
                    outcome = ExitCodes.Success;
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        return outcome;
    }

    private static async Task<int> VerifyAsync(bool json, bool kept, string source, string seederGames, string clientGames, CancellationToken cancellationToken)
    {
        var installed = Path.Combine(clientGames, GameId, "local");
        var expected = await ManifestCommand.ComputeAsync(source, cancellationToken);
        var actual = await ManifestCommand.ComputeAsync(installed, cancellationToken);
        var archiveSame = (await ManifestCommand.ComputeAsync(Path.Combine(seederGames, GameId), cancellationToken)).Where(l => !l.EndsWith("version.ini", StringComparison.Ordinal))
            .SequenceEqual((await ManifestCommand.ComputeAsync(Path.Combine(clientGames, GameId), cancellationToken)).Where(l => !l.Contains("  local/", StringComparison.Ordinal) && !l.EndsWith("version.ini", StringComparison.Ordinal)));
        if (!expected.SequenceEqual(actual) || !archiveSame)
        {
            Say(json, $"VERIFY FAILED: the installed files differ from the source ({installed} vs {source})");
            return ExitCodes.InstallFailed;
        }

        Say(json, $"Verified: {actual.Count} installed files match the source byte for byte (SHA-256)");
        if (!kept)
        {
            return ExitCodes.Success;
        }

        Say(json, $"Source files:     {source}");
        Say(json, $"Seeder game dir:  {seederGames}");
        Say(json, $"Client game dir:  {clientGames}");
        Say(json, $"Installed game:   {installed}");
        return ExitCodes.Success;
    }

    private static void Say(bool json, string text)
    {
        if (json)
        {
            Console.Error.WriteLine(text);
        }
        else
        {
            AnsiConsole.MarkupLine(Markup.Escape(text));
        }
    }
}
