using System.CommandLine;
using System.Globalization;
using LanSpread.Cli.Output;
using LanSpread.Peer.Identity;
using LanSpread.Peer.Runtime;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace LanSpread.Cli.Commands;

/// <summary>
/// <c>lanspread peers</c>: the peers this peer remembers (id, names, addresses, first and last seen)
/// and whether each is in the trusted set; ids to copy into <c>--trust-peer</c> or the trusted-peers file.
/// </summary>
internal static class PeersCommand
{
    public static Command Create()
    {
        var data = new Option<string?>("--data") { Description = "Identity and index directory (default: per-user)" };
        var json = new Option<bool>("--json") { Description = "JSON lines instead of a table" };
        var command = new Command("peers", "List the peers this peer knows (remembered across restarts) and which are trusted");
        command.Options.Add(data);
        command.Options.Add(json);
        command.SetAction(result =>
        {
            using var loggerFactory = CliLogging.Create(LogLevel.Warning);
            var directory = result.GetValue(data) ?? PeerRuntimeOptions.DefaultDataDirectory();
            IReadOnlySet<Core.Model.PeerId> trusted;
            try
            {
                trusted = TrustedPeers.Load(directory, []);
            }
            catch (Exception ex) when (ex is ArgumentException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"lanspread: {ex.Message}");
                return ExitCodes.Usage;
            }

            var peers = KnownPeers.ReadFile(directory, loggerFactory.CreateLogger<KnownPeers>());
            if (result.GetValue(json) || Console.IsOutputRedirected)
            {
                foreach (var peer in peers)
                {
                    EventJson.WriteObject(new KnownPeerRow(peer.Id.Value, peer.Names, peer.Addresses, peer.FirstSeen, peer.LastSeen, trusted.Contains(peer.Id)), CliJsonContext.Default.KnownPeerRow);
                }

                return ExitCodes.Success;
            }

            if (peers.Count == 0)
            {
                AnsiConsole.MarkupLine($"No known peers in {Markup.Escape(directory)} yet.");
                return ExitCodes.Success;
            }

            var table = new Table().AddColumns("Id", "Names", "Addresses", "First seen", "Last seen", "Trusted");
            foreach (var peer in peers)
            {
                table.AddRow(
                    peer.Id.Value,
                    Markup.Escape(string.Join(", ", peer.Names)),
                    Markup.Escape(string.Join(", ", peer.Addresses)),
                    peer.FirstSeen.ToString("u", CultureInfo.InvariantCulture),
                    peer.LastSeen.ToString("u", CultureInfo.InvariantCulture),
                    trusted.Contains(peer.Id) ? "[green]yes[/]" : trusted.Count == 0 ? "(no trust list)" : "no");
            }

            AnsiConsole.Write(table);
            return ExitCodes.Success;
        });
        return command;
    }
}
