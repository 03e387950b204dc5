using LanSpread.Core.Unpacking;
using LanSpread.Peer.Installing;
using LanSpread.TestKit;
using Xunit;

namespace LanSpread.Peer.Tests.Installing;

public sealed class UnpackerSetTests
{
    private static readonly byte[] Rar = "Rar!\u001a\u0007\u0001\u0000"u8.ToArray();
    private static readonly byte[] Zip = "PK\u0003\u0004"u8.ToArray();

    private static string Root(TempDir temp, string name, string file, byte[] head)
    {
        var root = temp.Sub(name);
        File.WriteAllBytes(Path.Combine(root, file), [.. head, 1, 2, 3]);
        return root;
    }

    [Fact]
    public async Task Each_game_goes_to_the_unpacker_that_claims_it_whatever_the_priorities()
    {
        using var temp = new TempDir();
        var zip = new SignatureUnpacker("zip", "*.zip", Zip);
        var rar = new SignatureUnpacker("rar", "*.eti", Rar);
        var set = new UnpackerSet([zip, rar]); // zip has the higher priority
        foreach (var root in new[] { Root(temp, "a", "a.eti", Rar), Root(temp, "b", "b.zip", Zip) })
        {
            var archives = set.FindArchives(root);
            await set.UnpackAsync(new UnpackRequest(archives, temp.Sub("staging")), null, CancellationToken.None);
        }

        Assert.Equal(["a.eti"], rar.Unpacked);
        Assert.Equal(["b.zip"], zip.Unpacked);
        Assert.Equal("zip/rar", set.Name);
    }

    [Fact]
    public void A_signature_match_beats_a_higher_priority_name_match_and_a_signature_mismatch_is_never_chosen()
    {
        using var temp = new TempDir();
        var byName = new PatternUnpacker("any-eti", "*.eti");
        var rar = new SignatureUnpacker("rar", "*.eti", Rar);
        Assert.Same(rar, new UnpackerSet([byName, rar]).Claim(Root(temp, "rar", "g.eti", Rar))!.Value.Unpacker);

        // Zip bytes under RAR's name: the RAR unpacker passes; the name-only one (lower here) takes it.
        var zipNamedEti = Root(temp, "zip", "g.eti", Zip);
        Assert.Same(byName, new UnpackerSet([rar, byName]).Claim(zipNamedEti)!.Value.Unpacker);
        Assert.Null(new UnpackerSet([rar]).Claim(zipNamedEti));
        Assert.Empty(new UnpackerSet([rar]).FindArchives(zipNamedEti));
    }

    [Fact]
    public async Task Unpacking_an_archive_nobody_claims_fails_naming_it()
    {
        using var temp = new TempDir();
        var root = Root(temp, "zip", "g.eti", Zip);
        var set = new UnpackerSet([new SignatureUnpacker("rar", "*.eti", Rar)]);
        var error = await Assert.ThrowsAsync<UnpackException>(() => set.UnpackAsync(new UnpackRequest([Path.Combine(root, "g.eti")], temp.Sub("staging")), null, CancellationToken.None));
        Assert.Contains("no unpacker claims it", error.Message, StringComparison.Ordinal);
    }
}
