using System.CommandLine;
using LanSpread.Cli.Output;
using LanSpread.Core.Unpacking;
using LanSpread.Peer.Composition;
using LanSpread.Peer.FileSystem;
using LanSpread.Peer.Hosting;
using LanSpread.Peer.Installing;
using LanSpread.Peer.Library;
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
            string root;
            try
            {
                var directory = LocalLibrary.ValidateGameDirectory(result.GetValue(games)!.FullName, requireWritable: true);
                var id = result.GetValue(game)!;
                root = Path.Combine(directory, id);
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

            var transaction = new InstallTransaction(unpacker, loggerFactory.CreateLogger<InstallTransaction>());
            var name = Path.GetFileName(root);
            try
            {
                if (install)
                {
                    var mode = await transaction.InstallAsync(root, null, cancellationToken);
                    EventJson.Write(new Core.Events.InstallGameFinished(name, mode));
                }
                else
                {
                    await transaction.UninstallAsync(root, cancellationToken);
                    EventJson.Write(new Core.Events.UninstallGameFinished(name));
                }

                return ExitCodes.Success;
            }
            catch (Exception ex) when (ex is UnpackException or InvalidOperationException or IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"lanspread: {(install ? "install" : "uninstall")} of {name} failed: {ErrorBoundary.OneLine(ex.Message)}");
                EventJson.Write(install
                    ? new Core.Events.InstallGameFailed(name, Directory.Exists(Path.Combine(root, GameRootLayout.LocalDirectory)) ? Core.Model.InstallMode.Update : Core.Model.InstallMode.Install, ex.Message)
                    : new Core.Events.UninstallGameFailed(name, ex.Message));
                return ExitCodes.InstallFailed;
            }
        });
        return command;
    }
}
