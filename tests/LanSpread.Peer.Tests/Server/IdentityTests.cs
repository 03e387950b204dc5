using LanSpread.Core.Model;
using LanSpread.Peer.Identity;
using LanSpread.TestKit;
using Xunit;

namespace LanSpread.Peer.Tests.Server;

public sealed class IdentityTests
{
    [Fact]
    public void A_peer_creates_its_certificate_once_keeps_the_key_private_and_derives_its_id_from_it()
    {
        using var temp = new TempDir();
        var first = PeerIdentity.LoadOrCreate(temp.Path);
        var second = PeerIdentity.LoadOrCreate(temp.Path);
        Assert.Equal(first.PeerId, second.PeerId);
        Assert.Equal(PeerId.Length, first.PeerId.Value.Length);
        Assert.Equal(PeerId.FromCertificate(first.Certificate.RawData), first.PeerId);
        Assert.True(first.Certificate.HasPrivateKey);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(temp.Path, PeerIdentity.KeyFile)));

        using var other = new TempDir();
        Assert.NotEqual(first.PeerId, PeerIdentity.LoadOrCreate(other.Path).PeerId);
    }

    [Fact]
    public void Peer_ids_parse_case_insensitively_and_reject_garbage()
    {
        var id = PeerId.FromCertificate([1, 2, 3]);
        Assert.True(PeerId.TryParse(id.Value.ToLowerInvariant(), out var parsed));
        Assert.Equal(id, parsed);
        Assert.False(PeerId.TryParse("not-an-id", out _));
        Assert.False(PeerId.TryParse(new string('1', PeerId.Length), out _));
    }
}
