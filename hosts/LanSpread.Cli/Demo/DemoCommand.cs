using System.CommandLine;
using System.Diagnostics;
using LanSpread.Cli.Commands;
using LanSpread.Cli.Output;
using LanSpread.Core.Commands;
using LanSpread.Core.Events;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace LanSpread.Cli.Demo;

/// <summary>
/// <c>lanspread demo</c>: the embedded default, showing a swarm. Makes a sample game (a real stored RAR5
/// archive), runs a seeder whose upload is capped and several clients in this process on loopback (no
/// mDNS, no network), has every client download and install the game at once, so the clients feed each
/// other the chunks they have verified, verifies every client's installed files against the source, and
/// shows per client what came from the seeder and what from the other clients, and the time against what
/// the seeder's cap alone would have needed.
/// </summary>
internal static class DemoCommand
{
    private const string GameId = "openttd";

    // The clients' event loops write from their own tasks: one line at a time.
    private static readonly Lock StdoutGate = new();

    public static Command Create()
    {
        var directory = new Option<DirectoryInfo?>("--dir") { HelpName = "DIR", Description = "Where to put the demo, kept afterwards (a new or empty directory; default: a temporary one, removed at the end)" };
        var keep = new Option<bool>("--keep") { Description = "Keep the temporary demo tree (it is removed by default)" };
        var size = new Option<string>("--size") { HelpName = "SIZE", Description = "Sample game size, up to 4G (default 48M)", DefaultValueFactory = _ => "48M" };
        var clients = OptionParsers.Count("--clients", "Client peers downloading the game at once, 1 to 8 (default 3)", 3, 1, 8);
        var seederRate = new Option<string?>("--seeder-rate") { HelpName = "RATE", Description = "The seeder's --max-upload-rate, bytes per second (default: the game's size per 3 s, so the seeder alone needs 3 s per client)" };
        var json = new Option<bool>("--json") { Description = "JSONL events instead of the live view" };
        var logLevel = OptionParsers.Level(LogLevel.Warning);
        var command = new Command("demo", "Run the embedded demo: a seeder with a capped upload and several clients on loopback; the clients download and install a sample game, feeding each other");
        command.Options.Add(directory);
        command.Options.Add(keep);
        command.Options.Add(size);
        command.Options.Add(clients);
        command.Options.Add(seederRate);
        command.Options.Add(json);
        command.Options.Add(logLevel);
        command.SetAction(async (result, cancellationToken) =>
        {
            var bytes = CommonOptions.ParseSize(result.GetValue(size), "--size", 4L << 30) ?? 48L << 20;
            var rate = CommonOptions.ParseSize(result.GetValue(seederRate), "--seeder-rate", 1L << 40) ?? DemoSettings.DefaultSeederRate(bytes);
            var given = result.GetValue(directory)?.FullName;
            if (given is not null && File.Exists(given))
            {
                throw new UsageException($"--dir '{given}' is a file; give a new or empty directory");
            }

            if (given is not null && Directory.Exists(given) && Directory.EnumerateFileSystemEntries(given).Any())
            {
                throw new UsageException($"--dir '{given}' is not empty; give a new or empty directory");
            }

            var remove = given is null && !result.GetValue(keep);
            var settings = new DemoSettings
            {
                Root = given ?? Path.Combine(Path.GetTempPath(), $"lanspread-demo-{DateTime.Now:yyyyMMdd-HHmmss}-{Environment.ProcessId}"),
                Size = bytes,
                Clients = result.GetValue(clients),
                SeederRate = rate,
                Json = result.GetValue(json) || Console.IsOutputRedirected,
                Kept = !remove,
            };
            using var loggerFactory = CliLogging.Create(result.GetValue(logLevel));
            try
            {
                return await RunAsync(settings, loggerFactory, cancellationToken);
            }
            finally
            {
                if (remove)
                {
                    // The sample game is big (48 MiB for the seeder plus two copies per client): leave nothing in /tmp.
                    TryDelete(settings.Root);
                    Say(settings.Json, $"Removed the demo tree {settings.Root} (keep it with --keep, or choose where with --dir DIR)");
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
        catch (DirectoryNotFoundException)
        {
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"lanspread: could not remove the demo tree {root}: {ex.Message}");
        }
    }

    private static async Task<int> RunAsync(DemoSettings settings, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var seederGames = Path.Combine(settings.Root, "seeder", "games");
        Say(settings.Json, $"Making a sample game '{GameId}' ({ConsoleProgress.Size(settings.Size)}) in {seederGames}");
        var source = SampleGame.Create(Path.Combine(seederGames, GameId), settings.Size, "20261125");

        await using var swarm = await DemoSwarm.StartAsync(settings, seederGames, loggerFactory, cancellationToken);
        var seeder = swarm.Seeder;
        Say(settings.Json, $"Seeder {seeder.Runtime.PeerId.Abbreviated} on {seeder.Runtime.LocalEndPoint}, uploading at most {ConsoleProgress.Size(settings.SeederRate)}/s; " +
            $"{settings.Clients} client{(settings.Clients == 1 ? string.Empty : "s")} on {string.Join(", ", swarm.Clients.Select(c => c.Host.Runtime.LocalEndPoint.Port))} " +
            $"({seeder.Transport.Name}, {seeder.Planner.Name}, chunks of about {ConsoleProgress.Size(settings.ChunkSize)})");

        var clock = new Stopwatch();
        var outcome = settings.Json
            ? await TransferAsync(swarm, clock, (client, peerEvent) => WriteJson(client, peerEvent), cancellationToken)
            : await LiveAsync(swarm, clock, cancellationToken);
        var elapsed = swarm.Clients.Max(c => c.Finished) ?? clock.Elapsed;
        if (outcome != ExitCodes.Success)
        {
            Say(settings.Json, settings.Kept ? $"The demo failed (exit {outcome}); everything is under {settings.Root}" : $"The demo failed (exit {outcome}); run it with --keep to inspect the tree");
            return outcome;
        }

        var verified = await VerifyAsync(settings, source, seederGames, swarm.Clients, cancellationToken);
        var report = new DemoReport(swarm.Clients, seeder.Runtime.PeerId, settings.SeederRate, elapsed);
        if (settings.Json)
        {
            WriteLine(report.JsonLine());
            Say(settings.Json, report.Headline);
        }
        else
        {
            report.Render();
        }

        return verified;
    }

    private static async Task<int> LiveAsync(DemoSwarm swarm, Stopwatch clock, CancellationToken cancellationToken)
    {
        var outcome = ExitCodes.Failure;
        await SwarmView.RunAsync(swarm.Clients, swarm.Seeder.Runtime.PeerId, async view => outcome = await TransferAsync(swarm, clock, view.Show, cancellationToken));
        return outcome;
    }

    /// <summary>
    /// Waits until every client sees the seeder's game, asks every client for it at the same moment (one
    /// DownloadGame each: details, transfer, install inside the runtime) and reads every client's events
    /// until its install finishes or something fails. The first failure's exit code, or success.
    /// </summary>
    private static async Task<int> TransferAsync(DemoSwarm swarm, Stopwatch clock, Action<DemoClient, PeerEvent> show, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromMinutes(5));
        var loops = swarm.Clients.Select(c => Task.Run(() => c.RunAsync(show, clock, deadline.Token), deadline.Token)).ToList();
        try
        {
            if (!await swarm.WaitUntilReadyAsync(GameId, TimeSpan.FromSeconds(60), deadline.Token))
            {
                await deadline.CancelAsync();
                await Task.WhenAll(loops);
                return ExitCodes.NotFound;
            }

            clock.Start();
            await Task.WhenAll(swarm.Clients.Select(c => c.Host.Runtime.SendAsync(new DownloadGame(GameId), deadline.Token).AsTask()));
        }
        catch (OperationCanceledException)
        {
        }

        await Task.WhenAll(loops);
        clock.Stop();
        return swarm.Clients.Select(c => c.Outcome).FirstOrDefault(o => o != ExitCodes.Success, ExitCodes.Success);
    }

    private static void WriteJson(DemoClient client, PeerEvent peerEvent)
    {
        // The same line `serve` writes, with the client it is about right after the event name.
        var line = EventJson.Line(peerEvent);
        var afterName = line.IndexOf('"', "{\"event\":\"".Length) + 1;
        WriteLine(string.Concat(line.AsSpan(0, afterName), $",\"client\":\"{client.Name}\"", line.AsSpan(afterName)));
    }

    private static void WriteLine(string line)
    {
        lock (StdoutGate)
        {
            Console.Out.WriteLine(line);
            Console.Out.Flush();
        }
    }

    /// <summary>Every client's installed files against the source, and its archive against the seeder's, by SHA-256.</summary>
    private static async Task<int> VerifyAsync(DemoSettings settings, string source, string seederGames, IReadOnlyList<DemoClient> clients, CancellationToken cancellationToken)
    {
        var expected = await ManifestCommand.ComputeAsync(source, cancellationToken);
        var archive = (await ManifestCommand.ComputeAsync(Path.Combine(seederGames, GameId), cancellationToken)).Where(l => !l.EndsWith("version.ini", StringComparison.Ordinal)).ToList();
        var outcome = ExitCodes.Success;
        foreach (var client in clients)
        {
            var installed = Path.Combine(client.Games, GameId, "local");
            var actual = await ManifestCommand.ComputeAsync(installed, cancellationToken);
            var archiveSame = archive.SequenceEqual((await ManifestCommand.ComputeAsync(Path.Combine(client.Games, GameId), cancellationToken))
                .Where(l => !l.Contains("  local/", StringComparison.Ordinal) && !l.EndsWith("version.ini", StringComparison.Ordinal)));
            client.Verified = expected.SequenceEqual(actual) && archiveSame;
            if (!client.Verified)
            {
                Say(settings.Json, $"VERIFY FAILED: {client.Name}'s installed files differ from the source ({installed} vs {source})");
                outcome = ExitCodes.InstallFailed;
            }
        }

        if (outcome == ExitCodes.Success)
        {
            Say(settings.Json, $"Verified: on each of the {clients.Count} clients, {expected.Count} installed files match the source byte for byte (SHA-256)");
        }

        if (settings.Kept)
        {
            Say(settings.Json, $"Source files:     {source}");
            Say(settings.Json, $"Seeder game dir:  {seederGames}");
            foreach (var client in clients)
            {
                Say(settings.Json, $"Client {client.Number} game:    {Path.Combine(client.Games, GameId, "local")}");
            }
        }

        return outcome;
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
