using System.CommandLine;
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

try
{
    return await parse.InvokeAsync();
}
catch (UsageException ex)
{
    await Console.Error.WriteLineAsync($"lanspread: {ex.Message}");
    return ExitCodes.Usage;
}
