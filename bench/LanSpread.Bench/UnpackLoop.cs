using System.Diagnostics;
using System.Globalization;
using LanSpread.Core.Composition;
using LanSpread.Core.Unpacking;
using LanSpread.Peer.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace LanSpread.Bench;

/// <summary>
/// Times the Unpack.Rar plugin (loaded from a published host's plugins folder, as the host loads it) on
/// every first-volume archive of a folder: one warm-up, then RUNS extractions each into a fresh directory;
/// prints "archive median_ms path" lines. In-process, so the figure is the unpacker's, not .NET start-up's.
/// </summary>
internal static class UnpackLoop
{
    public static int Run(string archiveDir, int runs)
    {
        var plugins = Environment.GetEnvironmentVariable("LANSPREAD_BENCH_PLUGINS")
            ?? throw new InvalidOperationException("set LANSPREAD_BENCH_PLUGINS to a published host's plugins folder");
        using var catalog = PeerHost.LoadPlugins([plugins], NullLoggerFactory.Instance);
        var unpacker = catalog.Select<IUnpacker>(PluginKind.Unpacker, "rar");
        var scratch = Directory.CreateTempSubdirectory("lanspread-unpack-loop");
        try
        {
            foreach (var archive in FirstVolumes(archiveDir))
            {
                var times = new List<double>();
                for (var run = 0; run <= runs; run++)
                {
                    var destination = Path.Combine(scratch.FullName, $"{Path.GetFileName(archive)}-{run}");
                    var start = Stopwatch.GetTimestamp();
                    try
                    {
                        unpacker.UnpackAsync(new UnpackRequest([archive], destination), null, default).GetAwaiter().GetResult();
                    }
                    catch (UnpackException)
                    {
                        break; // encrypted or malformed fixtures: not a speed figure
                    }

                    if (run > 0)
                    {
                        times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    }

                    Directory.Delete(destination, recursive: true);
                }

                if (times.Count > 0)
                {
                    times.Sort();
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(archive)} {times[times.Count / 2]:F2}"));
                }
            }
        }
        finally
        {
            scratch.Delete(recursive: true);
        }

        return 0;
    }

    private static IEnumerable<string> FirstVolumes(string directory) =>
        Directory.EnumerateFiles(directory, "*.rar")
            .Where(f => !f.Contains(".part", StringComparison.Ordinal) || f.EndsWith(".part01.rar", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
}
