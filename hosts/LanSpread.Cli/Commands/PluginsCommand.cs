using System.CommandLine;
using LanSpread.Cli.Output;
using LanSpread.Peer.Hosting;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace LanSpread.Cli.Commands;

/// <summary><c>lanspread plugins</c>: every plugin found, with kind, name, version, status and reason.</summary>
internal static class PluginsCommand
{
    public static Command Create()
    {
        var plugins = new Option<string[]>("--plugins") { HelpName = "DIR", Description = "Extra plugin directory (repeatable)" };
        var json = new Option<bool>("--json") { Description = "JSON lines instead of a table" };
        var command = new Command("plugins", "List every plugin found: kind, name, version, status, reason");
        command.Options.Add(plugins);
        command.Options.Add(json);
        command.SetAction(result =>
        {
            using var loggerFactory = CliLogging.Create(LogLevel.Error);
            using var catalog = PeerHost.LoadPlugins(result.GetValue(plugins) ?? [], loggerFactory);
            if (result.GetValue(json) || Console.IsOutputRedirected)
            {
                foreach (var part in catalog.Parts)
                {
                    EventJson.WriteObject(new PluginRow(part.PluginId, part.Kind, part.Name, part.Version, part.Priority, part.Status.ToString(), part.Reason, part.Directory), CliJsonContext.Default.PluginRow);
                }

                return ExitCodes.Success;
            }

            var table = new Table().AddColumns("Kind", "Name", "Plugin", "Version", "Priority", "Status", "Reason");
            foreach (var part in catalog.Parts)
            {
                var status = part.Status == Peer.Composition.PluginStatus.Active ? "[green]Active[/]" : $"[yellow]{part.Status}[/]";
                table.AddRow(Markup.Escape(part.Kind), Markup.Escape(part.Name), Markup.Escape(part.PluginId), Markup.Escape(part.Version), part.Priority.ToString(System.Globalization.CultureInfo.InvariantCulture), status, Markup.Escape(part.Reason ?? string.Empty));
            }

            AnsiConsole.Write(table);
            return ExitCodes.Success;
        });
        return command;
    }
}
