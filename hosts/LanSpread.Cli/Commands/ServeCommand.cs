using System.CommandLine;
using LanSpread.Cli.Output;

namespace LanSpread.Cli.Commands;

/// <summary><c>lanspread serve</c>: run a peer until SIGINT/SIGTERM, JSONL events on stdout.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var command = new Command("serve", "Run a peer until SIGINT/SIGTERM; JSONL events on stdout; JSON commands ({\"command\":\"SetGameDir\",\"path\":\"...\"}) on stdin");
        common.AddTo(command);
        command.SetAction((result, cancellationToken) => PeerSession.RunAsync(result, common, installAfterDownload: true, async (host, json) =>
        {
            _ = Task.Run(() => StdinCommands.PumpAsync(host.Runtime, cancellationToken), CancellationToken.None);
            try
            {
                await foreach (var peerEvent in host.Runtime.Events.ReadAllAsync(cancellationToken))
                {
                    EventJson.Write(peerEvent);
                }
            }
            catch (OperationCanceledException)
            {
            }

            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }
}
