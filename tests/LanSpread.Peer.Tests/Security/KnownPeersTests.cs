using LanSpread.Core.Model;
using LanSpread.Peer.Identity;
using LanSpread.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace LanSpread.Peer.Tests.Security;

/// <summary>Peers remembered in the data directory, identity changes, and the trusted-peers file.</summary>
public sealed class KnownPeersTests
{
    private static readonly PeerId Alpha = PeerId.FromCertificate([1]);
    private static readonly PeerId Impostor = PeerId.FromCertificate([2]);
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_known_address_or_name_with_another_id_is_reported_once_and_remembered_across_restarts()
    {
        using var temp = new TempDir();
        var known = KnownPeers.Load(temp.Path, NullLogger.Instance);
        Assert.Empty(known.Observe(Alpha, "alpha", "10.0.0.5:42420", T0));
        Assert.Empty(known.Observe(Alpha, "alpha", "10.0.0.5:42420", T0.AddMinutes(1)));

        // A restart of this peer: the file is read again.
        known = KnownPeers.Load(temp.Path, NullLogger.Instance);
        var record = Assert.Single(known.All);
        Assert.Equal(Alpha, record.Id);
        Assert.Equal(T0, record.FirstSeen);
        Assert.Equal(T0.AddMinutes(1), record.LastSeen);

        var conflict = Assert.Single(known.Observe(Impostor, "alpha", "10.0.0.5:42420", T0.AddMinutes(2)));
        Assert.Equal(Alpha, conflict.Previous);
        Assert.Contains("name 'alpha' and address 10.0.0.5:42420", conflict.Reason, StringComparison.Ordinal);
        Assert.Empty(known.Observe(Impostor, "alpha", "10.0.0.5:42420", T0.AddMinutes(3))); // reported once

        var byAddress = Assert.Single(KnownPeers.Load(temp.Path, NullLogger.Instance).Observe(Alpha, "alpha-renamed", "10.0.0.5:42420", T0.AddMinutes(4)));
        Assert.Equal(Impostor, byAddress.Previous);
        Assert.StartsWith("address", byAddress.Reason, StringComparison.Ordinal);
        Assert.Equal(2, KnownPeers.ReadFile(temp.Path, NullLogger.Instance).Count);
    }

    [Fact]
    public void An_unreadable_file_is_kept_aside_not_overwritten()
    {
        using var temp = new TempDir();
        File.WriteAllText(Path.Combine(temp.Path, KnownPeers.FileName), "{ not json");
        var known = KnownPeers.Load(temp.Path, NullLogger.Instance);
        known.Observe(Alpha, "alpha", "10.0.0.5:42420", T0);
        Assert.Equal("{ not json", File.ReadAllText(Path.Combine(temp.Path, KnownPeers.FileName + ".unreadable")));
        Assert.Single(KnownPeers.ReadFile(temp.Path, NullLogger.Instance));
    }

    [Fact]
    public void The_trusted_peers_file_adds_to_the_command_line_and_a_bad_line_is_named()
    {
        using var temp = new TempDir();
        var file = Path.Combine(temp.Path, TrustedPeers.FileName);
        File.WriteAllText(file, $"# the LAN party's seeders\n{Alpha.Value.ToLowerInvariant()}  # alpha\n\n");
        Assert.Equal(new HashSet<PeerId> { Alpha, Impostor }, TrustedPeers.Load(temp.Path, [Impostor]).ToHashSet());

        File.AppendAllText(file, "not-an-id\n");
        var ex = Assert.Throws<ArgumentException>(() => TrustedPeers.Load(temp.Path, []));
        Assert.Contains($"{TrustedPeers.FileName}:4: 'not-an-id' is not a peer id", ex.Message, StringComparison.Ordinal);
    }
}
