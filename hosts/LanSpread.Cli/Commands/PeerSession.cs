using System.CommandLine;
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
        DataDirectoryLock data;
        try
        {
            var settings = common.Parse(result, installAfterDownload);
            settings = adjust?.Invoke(settings) ?? settings;
            data = DataDirectoryLock.Acquire(settings.DataDirectory, loggerFactory.CreateLogger("LanSpread.Cli"));
            try
            {
                host = await PeerHost.StartAsync(settings with { DataDirectory = data.Directory }, loggerFactory, cancellationToken);
            }
            catch
            {
                data.Dispose();
                throw;
            }
        }
        catch (Exception ex) when (ex is PluginSelectionException or ArgumentException or CatalogException or InvalidOperationException)
        {
            throw new UsageException(ex.Message, ex);
        }

        using (data)
        {
            await using (host)
            {
                var json = result.GetValue(common.Json) || Console.IsOutputRedirected;
                return await body(host, json);
            }
        }
    }
}
