using System.CommandLine;
using System.Globalization;
using LanSpread.Cli.Output;
using LanSpread.Peer.Library;
using Spectre.Console;

namespace LanSpread.Cli.Commands;

/// <summary>
/// <c>lanspread catalog</c>: the catalog entries in use (the bundled catalog, extended or replaced by
/// <c>--catalog FILE</c>). Only these games are announced and served.
/// </summary>
internal static class CatalogCommand
{
    public static Command Create()
    {
        var catalogFile = new Option<FileInfo?>("--catalog") { HelpName = "FILE", Description = "A catalog file that extends (or with \"replace\": true replaces) the bundled one" };
        var json = new Option<bool>("--json") { Description = "JSON lines instead of a table" };
        var command = new Command("catalog", "List the catalog in use: only these games are announced and served (add others with --catalog FILE)");
        command.Options.Add(catalogFile);
        command.Options.Add(json);
        command.SetAction(result =>
        {
            GameCatalog catalog;
            try
            {
                catalog = GameCatalog.Load(result.GetValue(catalogFile)?.FullName);
            }
            catch (CatalogException ex)
            {
                throw new UsageException(ex.Message, ex);
            }

            var entries = catalog.Entries.OrderBy(e => e.Id, StringComparer.Ordinal).ToList();
            if (result.GetValue(json) || Console.IsOutputRedirected)
            {
                foreach (var entry in entries)
                {
                    EventJson.WriteObject(entry, CliJsonContext.Default.CatalogEntry);
                }

                return ExitCodes.Success;
            }

            var table = new Table().AddColumns("Id", "Name", "Genre", "Players", "Year");
            foreach (var entry in entries)
            {
                table.AddRow(Markup.Escape(entry.Id), Markup.Escape(entry.Name), Markup.Escape(entry.Genre), entry.MaxPlayers.ToString(CultureInfo.InvariantCulture), entry.ReleaseYear?.ToString(CultureInfo.InvariantCulture) ?? string.Empty);
            }

            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine($"[grey]{entries.Count} games. Only these are announced and served; add others with --catalog FILE (README: The catalog).[/]");
            return ExitCodes.Success;
        });
        return command;
    }
}
