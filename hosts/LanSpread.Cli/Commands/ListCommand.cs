using System.CommandLine;
using System.Net;
using LanSpread.Cli.Output;
using LanSpread.Peer.Library;
using Microsoft.Extensions.Logging;

namespace LanSpread.Cli.Commands;

/// <summary><c>lanspread list</c>: the local library as JSON; with <c>--remote</c>, the merged view after waiting for peers.</summary>
internal static class ListCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var remote = new Option<bool>("--remote") { Description = "Include what peers offer (waits up to --timeout seconds)" };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for peers with --remote", DefaultValueFactory = _ => 3 };
        var command = new Command("list", "Print the library as JSON (games not in the catalog are listed as such)");
        command.Options.Add(remote);
        command.Options.Add(timeout);
        common.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            if (!result.GetValue(remote))
            {
                return ListLocal(result, common);
            }

            return await PeerSession.RunAsync(result, common, installAfterDownload: false, async (host, _) =>
            {
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(result.GetValue(timeout)), cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return ExitCodes.Failure;
                }

                var games = host.Runtime.PeerGameDb.Merge(host.Runtime.Library.Snapshot(), host.Runtime.Catalog);
                EventJson.WriteObject(new { peers = host.Runtime.PeerGameDb.Peers(), games });
                return ExitCodes.Success;
            }, cancellationToken,
            // A remote listing is a short-lived peer: an ephemeral port unless one is given.
            settings => settings.Listen is null ? settings with { Listen = new IPEndPoint(IPAddress.Any, 0) } : settings);
        });
        return command;
    }

    private static int ListLocal(ParseResult result, CommonOptions common)
    {
        using var loggerFactory = CliLogging.Create(result.GetValue(common.LogLevel));
        try
        {
            var directory = LocalLibrary.ValidateGameDirectory(result.GetValue(common.Games)!.FullName, requireWritable: false);
            var catalog = GameCatalog.Load(result.GetValue(common.Catalog)?.FullName);
            var scanner = new LibraryScanner(catalog, new LibraryIndex(null, loggerFactory.CreateLogger<LibraryIndex>()), loggerFactory.CreateLogger<LibraryScanner>());
            var games = scanner.ScanAll(directory).Select(g => new
            {
                id = g.Game.Id,
                name = catalog.Find(g.Game.Id)?.Name,
                version = g.Game.Version,
                downloaded = g.Game.IsDownloaded,
                installed = g.Game.IsInstalled,
                size = g.Game.Size,
                inCatalog = g.Game.InCatalog,
                status = g.Game.InCatalog ? null : "not in catalog",
                files = g.Files.Count,
            }).ToList();
            EventJson.WriteObject(new { gameDirectory = directory, games });
            return ExitCodes.Success;
        }
        catch (Exception ex) when (ex is ArgumentException or CatalogException)
        {
            Console.Error.WriteLine($"lanspread: {ex.Message}");
            return ExitCodes.Usage;
        }
    }
}
