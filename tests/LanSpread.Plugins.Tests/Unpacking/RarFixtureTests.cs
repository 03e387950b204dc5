using LanSpread.Core.Unpacking;
using LanSpread.TestKit;
using Xunit;

namespace LanSpread.Plugins.Tests.Unpacking;

/// <summary>Every real archive in tests/fixtures/rar against its expected SHA-256 manifest.</summary>
public sealed class RarFixtureTests(UnpackerFixture fixture) : IClassFixture<UnpackerFixture>
{
    public static TheoryData<string> ThreeFileArchives => new()
    {
        "Rar.rar", "Rar4.rar", "Rar5.rar", "Rar.solid.rar", "Rar5.solid.rar", "Rar.none.rar", "Rar5.none.rar",
        "Rar2.rar", "Rar.comment.rar", "Rar5.comment.rar", "Rar5.crc_blake2.rar", "Rar4.multi.part01.rar", "Rar5.multi.part01.rar",
    };

    public static TheoryData<string> Encrypted => new()
    {
        "Rar.Encrypted.rar", "Rar.encrypted_filesOnly.rar", "Rar5.encrypted_filesOnly.rar", "Rar5.encrypted_filesAndHeader.rar",
    };

    [Theory]
    [MemberData(nameof(ThreeFileArchives))]
    public async Task Extracts_the_expected_files(string archive)
    {
        using var temp = new TempDir();
        var destination = Path.Combine(temp.Path, "out");
        await fixture.Rar.UnpackAsync(new UnpackRequest([Path.Combine(Repo.RarFixtures, archive)], destination), null, default);
        AssertManifest(destination, "test-files.sha256");
    }

    [Fact]
    public async Task Rar15_extracts_the_three_files_under_dos_names()
    {
        using var temp = new TempDir();
        var destination = Path.Combine(temp.Path, "out");
        await fixture.Rar.UnpackAsync(new UnpackRequest([Path.Combine(Repo.RarFixtures, "Rar15.rar")], destination), null, default);
        var files = GameFixture.Manifest(destination);
        var expected = ReadExpected("test-files.sha256");
        Assert.Equal(expected.Values.Order(), files.Values.Order());
        Assert.Contains("EXE/TEST.EXE", files.Keys);
    }

    [Fact]
    public async Task A_game_like_tree_matches_its_manifest()
    {
        using var temp = new TempDir();
        var destination = Path.Combine(temp.Path, "out");
        await fixture.Rar.UnpackAsync(new UnpackRequest([Path.Combine(Repo.RarFixtures, "Rar.issue1050.rar")], destination), null, default);
        AssertManifest(destination, "Rar.issue1050.sha256");
    }

    [Theory]
    [MemberData(nameof(Encrypted))]
    public async Task Encrypted_archives_fail_with_a_clear_error(string archive)
    {
        using var temp = new TempDir();
        var destination = Path.Combine(temp.Path, "out");
        var error = await Assert.ThrowsAsync<UnpackException>(() => fixture.Rar.UnpackAsync(new UnpackRequest([Path.Combine(Repo.RarFixtures, archive)], destination), null, default));
        Assert.Contains("encrypted", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(archive, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_archive_fails_with_a_clear_error()
    {
        using var temp = new TempDir();
        var destination = Path.Combine(temp.Path, "out");
        var error = await Assert.ThrowsAsync<UnpackException>(() => fixture.Rar.UnpackAsync(new UnpackRequest([Path.Combine(Repo.RarFixtures, "Rar.malformed_512byte.rar")], destination), null, default));
        Assert.Contains("Rar.malformed_512byte.rar", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_multi_volume_set_with_a_missing_volume_fails()
    {
        using var temp = new TempDir();
        foreach (var part in new[] { 1, 2, 4, 5, 6 })
        {
            File.Copy(Path.Combine(Repo.RarFixtures, $"Rar5.multi.part0{part}.rar"), Path.Combine(temp.Path, $"Rar5.multi.part0{part}.rar"));
        }

        await Assert.ThrowsAsync<UnpackException>(() => fixture.Rar.UnpackAsync(new UnpackRequest([Path.Combine(temp.Path, "Rar5.multi.part01.rar")], Path.Combine(temp.Path, "out")), null, default));
    }

    [Fact]
    public void Finds_eti_archives_and_only_the_first_volume_of_a_set()
    {
        using var temp = new TempDir();
        File.WriteAllBytes(Path.Combine(temp.Path, "game.part01.eti"), []);
        File.WriteAllBytes(Path.Combine(temp.Path, "game.part02.eti"), []);
        File.WriteAllBytes(Path.Combine(temp.Path, "extra.eti"), []);
        File.WriteAllBytes(Path.Combine(temp.Path, "readme.txt"), []);
        var found = fixture.Rar.FindArchives(temp.Path).Select(Path.GetFileName).ToList();
        Assert.Equal(["extra.eti", "game.part01.eti"], found);
    }

    private static void AssertManifest(string destination, string expectedFile)
    {
        var expected = ReadExpected(expectedFile);
        var actual = GameFixture.Manifest(destination);
        Assert.Equal(expected, actual);
    }

    private static SortedDictionary<string, string> ReadExpected(string file) => new(
        File.ReadAllLines(Path.Combine(Repo.RarFixtures, "expected", file))
            .Where(l => l.Length > 66)
            .ToDictionary(l => l[66..], l => l[..64]), StringComparer.Ordinal);
}
