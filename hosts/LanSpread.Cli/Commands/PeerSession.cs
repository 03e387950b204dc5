using System.CommandLine;
using LanSpread.Cli.Output;
using LanSpread.Peer.Composition;
using LanSpread.Peer.Hosting;
using LanSpread.Peer.Library;

namespace LanSpread.Cli.Commands;

/// <summary>Starts a peer for a verb and turns start-up failures into clear usage errors.</summary>
internal static class PeerSession
{
    public static async Task<int> RunAsync(ParseResult result, CommonOptions common, bool installAfterDownload, Func<PeerHost, bool, Task<int>> body, CancellationToken cancellationToken, Func<PeerHostSettings, PeerHostSettings>? adjust = null)
    {
        using var loggerFactory = CliLogging.Create(result.GetValue(common.LogLevel));
        PeerHost host;
        try
        {
            var settings = common.Parse(result, installAfterDownload);
            settings = adjust?.Invoke(settings) ?? settings;
            host = await PeerHost.StartAsync(settings, loggerFactory, cancellationToken);
        }
        catch (Exception ex) when (ex is UsageException or PluginSelectionException or ArgumentException or CatalogException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"lanspread: {ex.Message}");
            return ExitCodes.Usage;
        }

        await using (host)
        {
            var json = result.GetValue(common.Json) || Console.IsOutputRedirected;
            return await body(host, json);
        }
    }
}
