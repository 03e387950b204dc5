using LanSpread.Core.Model;
using LanSpread.Gui.Services;
using Xunit;

namespace LanSpread.Gui.Tests;

/// <summary>The GUI's own logic without a browser: message rewriting, the directory field's checks, the throughput meter.</summary>
public sealed class ServiceLogicTests
{
    [Theory]
    [InlineData("every serving peer failed; 65 chunks missing", "every peer serving this game stopped answering")]
    [InlineData("1 chunks still failing after 3 retries per peer; last error: Received an unexpected EOF or 0 bytes from the transport stream.", "every peer serving this game stopped answering")]
    [InlineData("2 chunks are held by no peer still answering", "every peer serving this game stopped answering")]
    [InlineData("3 chunks have no honest holder (banned: seed); nothing unverified was kept", "the peers serving this game sent damaged data")]
    [InlineData("System.IO.IOException: Broken pipe", "Broken pipe")]
    [InlineData("reading the archive: SharpCompress.Common.InvalidFormatException: bad header", "reading the archive: bad header")]
    [InlineData("the game directory '/x' does not exist (create it, or pass another with --games)", "the game directory '/x' does not exist (create it first, or choose another)")]
    [InlineData("the game directory is empty", "enter a game directory")]
    [InlineData("version 3 here is newer than version 2 offered by the peers; not downgrading (pass --allow-downgrade to replace it)", "version 3 here is newer than version 2 offered by the peers: it was kept")]
    public void Runtime_reasons_are_rewritten_without_internals(string reason, string expected)
    {
        var friendly = FriendlyMessages.Of(reason);
        Assert.StartsWith(expected, friendly, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", friendly, StringComparison.Ordinal);
        Assert.DoesNotContain("--games", friendly, StringComparison.Ordinal);
        Assert.DoesNotContain("chunks", friendly, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "Enter a game directory.")]
    [InlineData("   ", "Enter a game directory.")]
    [InlineData("games", "Enter a full path")]
    [InlineData("./games", "Enter a full path")]
    [InlineData("~/games", "Enter the full path instead of '~/games'")]
    public void The_directory_field_refuses_empty_and_relative_paths(string typed, string expected) =>
        Assert.StartsWith(expected, DirectoryInput.Problem(typed), StringComparison.Ordinal);

    [Fact]
    public void The_directory_field_accepts_a_full_path() => Assert.Null(DirectoryInput.Problem("/srv/games"));

    [Fact]
    public void The_meter_turns_chunks_into_rates_per_peer_and_keeps_the_last_chart()
    {
        var start = DateTimeOffset.UnixEpoch;
        var meter = new ThroughputMeter(start);
        var a = PeerId.FromCertificate([1]);
        var b = PeerId.FromCertificate([2]);
        meter.Begin("g");
        meter.Add("g", a, "alpha", 1000);
        meter.Add("g", b, "beta", 3000);
        Assert.True(meter.Tick(start.AddSeconds(1)));
        Assert.Equal(500, meter.RateOf(a)); // averaged over the 2 s window
        Assert.Equal(1500, meter.RateOf(b));
        Assert.Equal(3000, meter.TotalFrom(b));

        // A tick with nothing received still draws a point (a stall shows as a dip); the rate decays once the window has passed.
        Assert.True(meter.Tick(start.AddSeconds(2)));
        Assert.Equal(500, meter.RateOf(a));
        meter.Tick(start.AddSeconds(3.5));
        Assert.Equal(0, meter.RateOf(a));
        var history = meter.HistoryOf("g");
        Assert.Equal(3, history.Count);
        Assert.Equal(4000, history[0].Total);
        Assert.Equal(0, history[1].Total);

        meter.End("g");
        meter.Tick(start.AddSeconds(4));
        Assert.Equal(3, meter.HistoryOf("g").Count);
        Assert.Equal(["g"], meter.Charted());
        Assert.False(meter.IsActive("g"));
    }
}
