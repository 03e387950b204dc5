using LanSpread.Core.Unpacking;
using LanSpread.TestKit;
using Xunit;

namespace LanSpread.Plugins.Tests.Unpacking;

/// <summary>A missing input archive is named as missing, not reported as a failed write.</summary>
public sealed class MissingArchiveTests(UnpackerFixture fixture) : IClassFixture<UnpackerFixture>
{
    [Fact]
    public async Task A_missing_archive_says_so_and_writes_nothing()
    {
        foreach (var unpacker in new[] { fixture.Rar, fixture.RarGeneral })
        {
            using var temp = new TempDir();
            var destination = Path.Combine(temp.Path, "out");
            var error = await Assert.ThrowsAsync<UnpackException>(() => unpacker.UnpackAsync(new UnpackRequest([Path.Combine(temp.Path, "gone.eti")], destination), null, default));
            Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("write failed", error.Message, StringComparison.Ordinal);
            Assert.Contains("gone.eti", error.Message, StringComparison.Ordinal);
            Assert.False(Directory.Exists(destination) && Directory.EnumerateFileSystemEntries(destination).Any());
        }
    }
}
