using System.Net;

namespace LanSpread.Peer.Hosting;

/// <summary>The common options every host takes (DESIGN C.1), already parsed.</summary>
public sealed record PeerHostSettings
{
    public required string GameDirectory { get; init; }

    public string? DataDirectory { get; init; }

    public string? Name { get; init; }

    public IPEndPoint? Listen { get; init; }

    public IReadOnlyList<IPEndPoint> StaticPeers { get; init; } = [];

    public bool NoMdns { get; init; }

    public string? CatalogFile { get; init; }

    public string? Transport { get; init; }

    public string? Planner { get; init; }

    public IReadOnlyList<string> PluginDirectories { get; init; } = [];

    public int? ChunkSize { get; init; }

    public bool InstallAfterDownload { get; init; } = true;

    /// <summary>Bytes per second this peer uploads at most, all clients together (<c>--max-upload-rate</c>); null: unlimited.</summary>
    public long? MaxUploadRate { get; init; }

    /// <summary>Serve verified chunks while downloading and fetch from partial holders (<c>--no-swarm</c> turns it off).</summary>
    public bool Swarming { get; init; } = true;

    /// <summary>Chunk transfers one client peer gets at once (<c>--max-uploads-per-peer</c>); null: the default.</summary>
    public int? MaxUploadsPerPeer { get; init; }

    /// <summary>Peer ids to download from exclusively (<c>--trust-peer</c>); empty: any verified peer.</summary>
    public IReadOnlyList<Core.Model.PeerId> TrustedPeers { get; init; } = [];

    public IReadOnlyDictionary<string, string> PluginSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>Lets tests and benchmarks shorten intervals.</summary>
    public Action<Runtime.PeerRuntimeOptions>? Configure { get; init; }
}
