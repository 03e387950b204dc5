using LanSpread.Peer.Download;
using LanSpread.TestKit;
using Xunit;

namespace LanSpread.Peer.Tests.Download;

/// <summary>The resume record writes its batches off the caller's thread (issue 20): nothing recorded is lost, and a failed write still fails the download.</summary>
public sealed class ProgressRecordTests
{
    private const string Digest = "sha256:test";

    private static string Sha(int i) => i.ToString("x64", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Every_chunk_added_before_a_flush_is_in_the_record_whatever_the_background_batches_did()
    {
        using var temp = new TempDir();
        var staging = temp.Sub(".lanspread.partial");
        File.WriteAllBytes(Path.Combine(staging, "game.bin"), new byte[4096]);

        // A batch of one byte: every Add starts (or joins) a background write while the next ones arrive.
        using (var record = ProgressRecord.Open(temp.Path, staging, Digest, append: false, batchBytes: 1, TimeSpan.FromMilliseconds(100)))
        {
            for (var i = 0; i < 200; i++)
            {
                record.Add("game.bin", i * 16L, 16, Sha(i));
            }

            record.Flush();
        }

        var loaded = ProgressRecord.Load(temp.Path, Digest, out var same);
        Assert.True(same);
        Assert.Equal(200, loaded.Count);
        Assert.All(Enumerable.Range(0, 200), i => Assert.Equal(Sha(i), loaded[("game.bin", i * 16L)]));
    }

    [Fact]
    public async Task A_batch_that_fails_in_the_background_fails_the_next_chunk_and_the_final_flush()
    {
        using var temp = new TempDir();
        var staging = temp.Sub(".lanspread.partial");
        using var record = ProgressRecord.Open(temp.Path, staging, Digest, append: false, batchBytes: 1, TimeSpan.FromMilliseconds(100));

        // The staged file is gone (deleted under the download): its fsync cannot open it.
        record.Add("vanished.bin", 0, 16, Sha(1));
        LocalWriteException? thrown = null;
        await Poll.UntilAsync(() =>
        {
            try
            {
                record.Add("vanished.bin", 16, 16, Sha(2));
                return false;
            }
            catch (LocalWriteException ex)
            {
                thrown = ex;
                return true;
            }
        }, TimeSpan.FromSeconds(10), "the background write's failure to reach Add");

        Assert.Contains("cannot record download progress", thrown!.Message, StringComparison.Ordinal);
        var flush = Assert.Throws<LocalWriteException>(record.Flush);
        Assert.Contains("vanished.bin", flush.Message, StringComparison.Ordinal);
        Assert.Empty(ProgressRecord.Load(temp.Path, Digest, out _)); // nothing unverified on disk was recorded
    }
}
