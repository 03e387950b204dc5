using System.CommandLine;
using System.Runtime.InteropServices;
using LanSpread.Cli.Commands;
using LanSpread.Cli.Demo;
using LanSpread.Cli.Output;

var root = new RootCommand("lanspread: a peer-to-peer engine that spreads games across a LAN party. " + ExitCodes.Help)
{
    ServeCommand.Create(),
    GetCommand.Create(),
    ListCommand.Create(),
    InstallCommands.Create(install: true),
    InstallCommands.Create(install: false),
    ManifestCommand.Create(),
    PluginsCommand.Create(),
    PeersCommand.Create(),
    DemoCommand.Create(),
};

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors)
    {
        await Console.Error.WriteLineAsync($"lanspread: {error.Message}");
    }

    await Console.Error.WriteLineAsync("Run 'lanspread --help' for usage.");
    return ExitCodes.Usage;
}

// SIGINT and SIGTERM both request a clean stop: the token every verb runs under is cancelled, so
// discovery says goodbye, transfers are cancelled and sentinel files are swept before exit.
using var shutdown = new CancellationTokenSource();
using var onSigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var onSigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);

try
{
    return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, shutdown.Token);
}
catch (UsageException ex)
{
    await Console.Error.WriteLineAsync($"lanspread: {ex.Message}");
    return ExitCodes.Usage;
}

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    shutdown.Cancel();
}
