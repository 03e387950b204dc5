using System.Text.Json;
using LanSpread.Cli.Output;
using LanSpread.Core.Commands;
using LanSpread.Core.Events;
using LanSpread.Peer.Runtime;

namespace LanSpread.Cli.Commands;

/// <summary>
/// Makes <c>serve</c> scriptable: each stdin line is one <see cref="PeerCommand"/> as JSON
/// (<c>{"command":"SetGameDir","path":"/games2"}</c>), sent to the runtime; answers arrive as events.
/// A line that is not a command gets a <see cref="CommandFailed"/> event.
/// </summary>
internal static class StdinCommands
{
    public static async Task PumpAsync(PeerRuntimeHandle runtime, CancellationToken cancellationToken)
    {
        if (!Console.IsInputRedirected)
        {
            return;
        }

        try
        {
            while (await Console.In.ReadLineAsync(cancellationToken) is { } line)
            {
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                PeerCommand? command;
                try
                {
                    command = EventJson.ReadCommand(line);
                }
                catch (Exception ex) when (ex is JsonException or NotSupportedException)
                {
                    EventJson.Write(new CommandFailed("stdin", $"not a command: {ex.Message}"));
                    continue;
                }

                if (command is not null)
                {
                    await runtime.SendAsync(command, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
