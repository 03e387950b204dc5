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
    CatalogCommand.Create(),
    InstallCommands.Create(install: true),
    InstallCommands.Create(install: false),
    ManifestCommand.Create(),
    PluginsCommand.Create(),
    PeersCommand.Create(),
    DemoCommand.Create(),
};

var detail = ErrorBoundary.WantsDetail(args);
var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    // One line: the first thing to fix, in the user's words, and where the usage is.
    await Console.Error.WriteLineAsync($"lanspread: {ParseErrors.Describe(parse)}");
    return ExitCodes.Usage;
}

// SIGINT and SIGTERM both request a clean stop: the token every verb runs under is cancelled, so
// discovery says goodbye, transfers are cancelled and sentinel files are swept before exit.
using var shutdown = new CancellationTokenSource();
using var onSigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var onSigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);

try
{
    // The library's own handler would print "Unhandled exception" with frames; the boundary decides.
    return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false }, shutdown.Token);
}
catch (Exception ex)
{
    return ErrorBoundary.Report(ex, detail);
}

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    shutdown.Cancel();
}
