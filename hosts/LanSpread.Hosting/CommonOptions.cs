using System.CommandLine;
using System.Globalization;
using System.Net;
using LanSpread.Peer.Discovery;
using LanSpread.Peer.Hosting;
using LanSpread.Peer.Runtime;
using Microsoft.Extensions.Logging;

namespace LanSpread.Hosting;

/// <summary>The options every peer-running verb takes (DESIGN C.1), and their parsing into <see cref="PeerHostSettings"/>.</summary>
public sealed class CommonOptions
{
    public Option<DirectoryInfo> Games { get; } = new("--games") { Description = "The game directory (one folder per game)", HelpName = "DIR", Required = true };

    public Option<string?> Data { get; } = new("--data") { HelpName = "DIR", Description = "Identity and index directory (default: per-user)" };

    public Option<string?> Name { get; } = new("--name") { HelpName = "NAME", Description = "This peer's display name (default: machine name)" };

    public Option<string?> Listen { get; } = new("--listen") { HelpName = "ADDR:PORT", Description = $"Listen address ADDR:PORT (default: all interfaces, port {PeerRuntimeOptions.DefaultPort})" };

    public Option<string[]> Peer { get; } = new("--peer") { HelpName = "HOST:PORT", Description = "A static peer HOST:PORT (repeatable)", AllowMultipleArgumentsPerToken = false };

    public Option<string[]> TrustPeer { get; } = new("--trust-peer") { Description = "Download only from this peer id (repeatable; adds to the data directory's trusted-peers file)", AllowMultipleArgumentsPerToken = false };

    public Option<bool> NoMdns { get; } = new("--no-mdns") { Description = "Do not use mDNS discovery" };

    public Option<FileInfo?> Catalog { get; } = new("--catalog") { HelpName = "FILE", Description = "A catalog file that extends (or with \"replace\": true replaces) the bundled one" };

    public Option<string?> Transport { get; } = new("--transport") { HelpName = "NAME", Description = "Transport plugin by name (tls, quic; default: best supported)" };

    public Option<string?> Planner { get; } = new("--planner") { HelpName = "NAME", Description = "Chunk planner plugin by name (default: highest priority)" };

    public Option<string[]> Plugins { get; } = new("--plugins") { HelpName = "DIR", Description = "Extra plugin directory (repeatable)" };

    public Option<string?> ChunkSize { get; } = new("--chunk-size") { HelpName = "SIZE", Description = "Bytes per chunk request, e.g. 4M (default 4M)" };

    public Option<string?> MaxUploadRate { get; } = new("--max-upload-rate") { HelpName = "RATE", Description = "Upload at most RATE bytes per second to all peers together, e.g. 20M (default: unlimited); clients share it fairly" };

    public Option<int?> MaxUploadsPerPeer { get; } = new("--max-uploads-per-peer") { HelpName = "N", Description = "Chunk transfers one client peer gets at once; more wait their turn (default 8)" };

    public Option<bool> NoSwarm { get; } = new("--no-swarm") { Description = "Use and serve only complete copies: no chunks from or to peers that are still downloading" };

    public Option<string[]> Set { get; } = new("--set") { HelpName = "KEY=VALUE", Description = "Plugin setting KEY=VALUE, e.g. tls.connectionsPerPeer=4 (repeatable)" };

    public Option<double?> PingInterval { get; } = OptionParsers.OptionalSeconds("--ping-interval", "Seconds between pings of known peers; a peer missing 3 is pruned (default 2)", 3600);

    public Option<double?> RescanInterval { get; } = OptionParsers.OptionalSeconds("--rescan-interval", "Seconds between fallback full scans of the game directory (default 300)");

    public Option<LogLevel> LogLevel { get; } = OptionParsers.Level(Microsoft.Extensions.Logging.LogLevel.Information);

    public Option<bool> Json { get; } = new("--json") { Description = "Force JSONL output even on a terminal" };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Games, Data, Name, Listen, Peer, TrustPeer, NoMdns, Catalog, Transport, Planner, Plugins, ChunkSize, MaxUploadRate, MaxUploadsPerPeer, NoSwarm, Set, PingInterval, RescanInterval, LogLevel, Json })
        {
            command.Options.Add(option);
        }
    }

    public PeerHostSettings Parse(ParseResult result, bool installAfterDownload = true)
    {
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in result.GetValue(Set) ?? [])
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new UsageException($"--set '{pair}': expected KEY=VALUE");
            }

            settings[pair[..eq]] = pair[(eq + 1)..];
        }

        IPEndPoint? listen = null;
        if (result.GetValue(Listen) is { } listenText)
        {
            if (!IPEndPoint.TryParse(listenText, out listen))
            {
                throw new UsageException($"--listen '{listenText}' is not ADDR:PORT (e.g. 0.0.0.0:{PeerRuntimeOptions.DefaultPort} or [::]:{PeerRuntimeOptions.DefaultPort})");
            }
        }

        var peers = new List<IPEndPoint>();
        foreach (var peer in result.GetValue(Peer) ?? [])
        {
            try
            {
                peers.Add(StaticPeerDiscovery.Parse(peer, PeerRuntimeOptions.DefaultPort));
            }
            catch (FormatException ex)
            {
                throw new UsageException($"--peer: {ex.Message}");
            }
        }

        var trusted = new List<Core.Model.PeerId>();
        foreach (var text in result.GetValue(TrustPeer) ?? [])
        {
            trusted.Add(Core.Model.PeerId.TryParse(text, out var id) ? id : throw new UsageException($"--trust-peer '{text}' is not a peer id ({Core.Model.PeerId.Length} base32 characters; 'lanspread peers' lists known ones)"));
        }

        var ping = result.GetValue(PingInterval);
        var rescan = result.GetValue(RescanInterval);
        var data = result.GetValue(Data);
        if (data is not null && File.Exists(data))
        {
            throw new UsageException($"--data '{data}' is a file; give a directory (it holds this peer's identity and library index)");
        }

        var uploadsPerPeer = result.GetValue(MaxUploadsPerPeer);
        if (uploadsPerPeer is <= 0 or > 1024)
        {
            throw new UsageException($"--max-uploads-per-peer '{uploadsPerPeer}' must be between 1 and 1024");
        }

        return new PeerHostSettings
        {
            GameDirectory = result.GetValue(Games)!.FullName,
            DataDirectory = data is null ? null : Path.GetFullPath(data),
            Name = result.GetValue(Name),
            Listen = listen,
            StaticPeers = peers,
            TrustedPeers = trusted,
            NoMdns = result.GetValue(NoMdns),
            CatalogFile = result.GetValue(Catalog)?.FullName,
            Transport = result.GetValue(Transport),
            Planner = result.GetValue(Planner),
            PluginDirectories = result.GetValue(Plugins) ?? [],
            ChunkSize = (int?)ParseSize(result.GetValue(ChunkSize), "--chunk-size", 256L * 1024 * 1024),
            InstallAfterDownload = installAfterDownload,
            MaxUploadRate = ParseSize(result.GetValue(MaxUploadRate), "--max-upload-rate", 1L << 40),
            MaxUploadsPerPeer = uploadsPerPeer,
            Swarming = !result.GetValue(NoSwarm),
            PluginSettings = settings,
            Configure = options =>
            {
                if (ping is { } seconds)
                {
                    options.PingInterval = TimeSpan.FromSeconds(seconds);
                }

                if (rescan is { } interval)
                {
                    options.FallbackScanInterval = TimeSpan.FromSeconds(interval);
                }
            },
        };
    }

    /// <summary>Parses a size such as <c>4M</c>, <c>512K</c>, <c>1G</c> or plain bytes; the error names <paramref name="option"/>.</summary>
    public static long? ParseSize(string? text, string option, long max)
    {
        if (text is null)
        {
            return null;
        }

        var multiplier = text.Length == 0 ? 1L : char.ToUpperInvariant(text[^1]) switch { 'K' => 1024L, 'M' => 1024L * 1024, 'G' => 1024L * 1024 * 1024, _ => 1L };
        var digits = multiplier == 1 ? text : text[..^1];
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value <= 0 || value > max / multiplier)
        {
            throw new UsageException($"{option} '{text}' must be a positive size up to {ConsoleSize(max)} (e.g. 4M, 512K)");
        }

        return value * multiplier;
    }

    private static string ConsoleSize(long bytes) => bytes % (1L << 30) == 0 ? $"{bytes >> 30}G" : $"{bytes >> 20}M";
}
