using System.CommandLine;
using LanSpread.Cli.Output;
using LanSpread.Core.Events;
using LanSpread.Core.Unpacking;
using LanSpread.Peer.Composition;
using LanSpread.Peer.Hosting;
using LanSpread.Peer.Installing;
using LanSpread.Peer.Library;
using LanSpread.Peer.Runtime;
using Microsoft.Extensions.Logging;

namespace LanSpread.Cli.Commands;

/// <summary><c>lanspread install GAME</c> / <c>uninstall GAME</c>: the same local transactions the runtime runs.</summary>
internal static class InstallCommands
{
    public static Command Create(bool install)
    {
        var game = GameArgument.Create();
        var games = new Option<DirectoryInfo>("--games") { Description = "The game directory (one folder per game)", HelpName = "DIR", Required = true };
        var plugins = new Option<string[]>("--plugins") { HelpName = "DIR", Description = "Extra plugin directory (repeatable)" };
        var logLevel = OptionParsers.Level(LogLevel.Information);
        var command = new Command(install ? "install" : "uninstall", install
            ? "Install (or update) a downloaded game from its archive, transactionally. " + ExitCodes.Help
            : "Remove an installed game (local/), keeping the download. " + ExitCodes.Help) { game };
        command.Options.Add(games);
        command.Options.Add(plugins);
        command.Options.Add(logLevel);
        command.SetAction(async (result, cancellationToken) =>
        {
            using var loggerFactory = CliLogging.Create(result.GetValue(logLevel));
            string directory;
            var id = result.GetValue(game)!;
            try
            {
                directory = LocalLibrary.ValidateGameDirectory(result.GetValue(games)!.FullName, requireWritable: true);
                var root = Path.Combine(directory, id);
                if (!Directory.Exists(root))
                {
                    await Console.Error.WriteLineAsync($"lanspread: no game '{id}' in {directory}");
                    return ExitCodes.NotFound;
                }
            }
            catch (ArgumentException ex)
            {
                throw new UsageException(ex.Message, ex);
            }

            using var catalog = PeerHost.LoadPlugins(result.GetValue(plugins) ?? [], loggerFactory);
            IUnpacker unpacker;
            try
            {
                unpacker = UnpackerSet.From(catalog);
            }
            catch (PluginSelectionException ex)
            {
                throw new UsageException(ex.Message, ex);
            }

            // The runtime's own coordinator runs it (claim, checks, events); the CLI only prints the outcome.
            var outcome = install
                ? await LocalInstalls.InstallAsync(directory, id, unpacker, loggerFactory, cancellationToken)
                : await LocalInstalls.UninstallAsync(directory, id, unpacker, loggerFactory, cancellationToken);
            EventJson.Write(outcome);
            var reason = outcome switch
            {
                InstallGameFailed f => f.Reason,
                UninstallGameFailed f => f.Reason,
                _ => null,
            };
            if (reason is not null)
            {
                await Console.Error.WriteLineAsync($"lanspread: {(install ? "install" : "uninstall")} of {id} failed: {ErrorBoundary.OneLine(reason)}");
                return ExitCodes.InstallFailed;
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
