using System.CommandLine;
using System.Net;
using LanSpread.Cli.Output;
using LanSpread.Core.Model;
using LanSpread.Peer.Hosting;
using LanSpread.Peer.Library;
using LanSpread.Peer.Peers;
using Microsoft.Extensions.Logging;

namespace LanSpread.Cli.Commands;

/// <summary>
/// <c>lanspread list</c>: the library as one JSON object; with <c>--remote</c>, merged with what peers
/// offer. A game has one shape everywhere (<see cref="Game"/>: the same as in <c>LibrarySnapshot</c>
/// events), and games outside the catalog come with a note on how to share them.
/// </summary>
internal static class ListCommand
{
    /// <summary>With --remote: quiet time after the last newly found peer before the listing is printed.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);

    public static Command Create()
    {
        var common = new CommonOptions();
        var remote = new Option<bool>("--remote") { Description = "Include what peers offer (returns once the peers found have answered; waits at most --timeout)" };
        var timeout = OptionParsers.Seconds("--timeout", "With --remote: the most seconds to wait for peers (default 3)", 3, 3600);
        var command = new Command("list", "Print the library as JSON (games not in the catalog are listed with how to share them)");
        command.Options.Add(remote);
        command.Options.Add(timeout);
        common.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            if (!result.GetValue(remote))
            {
                return ListLocal(result, common);
            }

            var staticPeers = result.GetValue(common.Peer)?.Length ?? 0;
            var mdns = !result.GetValue(common.NoMdns);
            return await PeerSession.RunAsync(result, common, installAfterDownload: false, async (host, _) =>
            {
                await WaitForPeersAsync(host, TimeSpan.FromSeconds(result.GetValue(timeout)), staticPeers, mdns, cancellationToken);
                var runtime = host.Runtime;
                var games = runtime.PeerGameDb.Merge(runtime.Library.Snapshot(), runtime.Catalog);
                EventJson.WriteObject(new ListOutput(runtime.Library.GameDirectory, runtime.PeerGameDb.Peers(), games, Notes(games), Hashing(runtime.PeerGameDb)), CliJsonContext.Default.ListOutput);
                return ExitCodes.Success;
            }, cancellationToken,
            // A remote listing is a short-lived peer: an ephemeral port unless one is given.
            settings => settings.Listen is null ? settings with { Listen = new IPEndPoint(IPAddress.Any, 0) } : settings);
        });
        return command;
    }

    /// <summary>
    /// Returns once the peers found so far have answered (a peer counts as found only after its game
    /// list arrived) and no new one appeared for <see cref="Settle"/>; without mDNS, as soon as every
    /// --peer answered. <paramref name="timeout"/> is the maximum.
    /// </summary>
    private static async Task WaitForPeersAsync(PeerHost host, TimeSpan timeout, int staticPeers, bool mdns, CancellationToken cancellationToken)
    {
        var db = host.Runtime.PeerGameDb;
        var started = DateTime.UtcNow;
        var lastChange = started;
        var lastCount = db.Count;
        while (DateTime.UtcNow - started < timeout && !cancellationToken.IsCancellationRequested)
        {
            var count = db.Count;
            if (count != lastCount)
            {
                lastCount = count;
                lastChange = DateTime.UtcNow;
            }

            if (!mdns && staticPeers > 0 && count >= staticPeers)
            {
                return;
            }

            if (count > 0 && DateTime.UtcNow - lastChange >= Settle)
            {
                return;
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static int ListLocal(ParseResult result, CommonOptions common)
    {
        using var loggerFactory = CliLogging.Create(result.GetValue(common.LogLevel));
        try
        {
            var directory = LocalLibrary.ValidateGameDirectory(result.GetValue(common.Games)!.FullName, requireWritable: false);
            var catalog = GameCatalog.Load(result.GetValue(common.Catalog)?.FullName);

            // Scanning is not announcing: keep the "not in the catalog" notices for the notes below.
            var scanner = new LibraryScanner(catalog, new LibraryIndex(null, loggerFactory.CreateLogger<LibraryIndex>()), Microsoft.Extensions.Logging.Abstractions.NullLogger<LibraryScanner>.Instance);
            var local = GameDB.From(scanner.ScanAll(directory).Select(g => g.Game));
            var games = new PeerGameDB().Merge(local, catalog);
            EventJson.WriteObject(new ListOutput(directory, Array.Empty<PeerRef>(), games, Notes(games), []), CliJsonContext.Default.ListOutput);
            return ExitCodes.Success;
        }
        catch (Exception ex) when (ex is ArgumentException or CatalogException)
        {
            throw new UsageException(ex.Message, ex);
        }
    }

    private static List<HashingPeer> Hashing(PeerGameDB db) =>
        [.. db.Hashing().Select(p => new HashingPeer(p.Key.Name, p.Key.PeerId, p.Value)).OrderBy(p => p.Name, StringComparer.Ordinal)];

    /// <summary>One note per game outside the catalog: why it is not shared and how to share it.</summary>
    private static List<string> Notes(IEnumerable<Game> games) =>
        games.Where(g => !g.InCatalog).Select(g =>
            $"{g.Id}: not in catalog, so it is neither announced nor served; to share it, put {{\"games\": [{{\"id\": \"{g.Id}\", \"name\": \"...\"}}]}} in a file and pass --catalog FILE (README: The catalog)").ToList();
}
