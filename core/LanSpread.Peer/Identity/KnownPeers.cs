using System.Text.Json;
using LanSpread.Core.Model;
using LanSpread.Peer.FileSystem;
using Microsoft.Extensions.Logging;

namespace LanSpread.Peer.Identity;

/// <summary>
/// The peers this peer has connected to, remembered across restarts in <c>known-peers.json</c> of the
/// data directory (OpenSSH's known_hosts, Syncthing's device list). <see cref="Observe"/> records a
/// connection and reports when a known name or address now presents a different id; the name or
/// address then moves to the new id, so one change is reported once, not at every reconnect.
/// </summary>
public sealed class KnownPeers
{
    public const string FileName = "known-peers.json";

    private const int MaxNamesOrAddresses = 8;
    private const int MaxPeers = 4096;

    private readonly string _path;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly List<KnownPeer> _peers;

    private KnownPeers(string path, List<KnownPeer> peers, ILogger logger)
    {
        _path = path;
        _peers = peers;
        _logger = logger;
    }

    /// <summary>Every known peer, most recently seen first.</summary>
    public IReadOnlyList<KnownPeer> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _peers.OrderByDescending(p => p.LastSeen)];
            }
        }
    }

    /// <summary>Loads the file of <paramref name="dataDirectory"/>; a missing or unreadable file starts empty (logged).</summary>
    public static KnownPeers Load(string dataDirectory, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        ArgumentNullException.ThrowIfNull(logger);
        var path = Path.Combine(dataDirectory, FileName);
        var peers = Read(path, logger);
        if (peers is null)
        {
            // Keep the unreadable file for the user instead of overwriting it with the next save.
            var aside = path + ".unreadable";
            File.Move(path, aside, overwrite: true);
            logger.LogWarning("Moved the unreadable known peers file to {Path}; starting with no known peers", aside);
        }

        return new KnownPeers(path, peers ?? [], logger);
    }

    /// <summary>Reads the file without keeping it (for <c>lanspread peers</c>).</summary>
    public static IReadOnlyList<KnownPeer> ReadFile(string dataDirectory, ILogger logger) =>
        [.. (Read(Path.Combine(dataDirectory, FileName), logger) ?? []).OrderByDescending(p => p.LastSeen)];

    /// <summary>Records a verified connection; returns the names and addresses that belonged to another id until now.</summary>
    public IReadOnlyList<IdentityConflict> Observe(PeerId id, string name, string address, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(address);
        var conflicts = new List<IdentityConflict>();
        lock (_gate)
        {
            foreach (var other in _peers.Where(p => p.Id != id))
            {
                var byName = name.Length > 0 && other.Names.Remove(name);
                var byAddress = other.Addresses.Remove(address);
                if (byName || byAddress)
                {
                    var what = (byName, byAddress) switch
                    {
                        (true, true) => $"name '{name}' and address {address}",
                        (true, false) => $"name '{name}'",
                        _ => $"address {address}",
                    };
                    conflicts.Add(new IdentityConflict(other.Id, $"{what} belonged to peer {other.Id.Abbreviated}… (last seen {other.LastSeen:u})"));
                }
            }

            var record = _peers.Find(p => p.Id == id);
            if (record is null)
            {
                record = new KnownPeer { Id = id, FirstSeen = now };
                _peers.Add(record);
                if (_peers.Count > MaxPeers)
                {
                    _peers.Remove(_peers.MinBy(p => p.LastSeen)!);
                }
            }

            record.LastSeen = now;
            Touch(record.Names, name);
            Touch(record.Addresses, address);
            Save();
        }

        return conflicts;
    }

    private static void Touch(List<string> values, string value)
    {
        if (value.Length == 0)
        {
            return;
        }

        values.Remove(value);
        values.Add(value);
        if (values.Count > MaxNamesOrAddresses)
        {
            values.RemoveAt(0);
        }
    }

    private void Save()
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            AtomicFile.WriteAllBytes(_path, JsonSerializer.SerializeToUtf8Bytes(_peers, KnownPeersJsonContext.Default.ListKnownPeer));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Remembering peers must never stop this one from working: the in-memory list still warns.
            _logger.LogWarning("Cannot save known peers to {Path}: {Error}", _path, ex.Message);
        }
    }

    /// <summary>The file's peers; empty when it does not exist, null when it cannot be read.</summary>
    private static List<KnownPeer>? Read(string path, ILogger logger)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        try
        {
            var peers = JsonSerializer.Deserialize(File.ReadAllBytes(path), KnownPeersJsonContext.Default.ListKnownPeer) ?? [];
            return [.. peers.Where(p => p is not null && p.Id.Value is not null).Select(p => p with { Names = p.Names ?? [], Addresses = p.Addresses ?? [] })];
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Cannot read the known peers file {Path}: {Error}", path, ex.Message);
            return null;
        }
    }
}
