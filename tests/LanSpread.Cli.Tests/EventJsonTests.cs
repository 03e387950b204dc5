using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using LanSpread.Cli.Output;
using LanSpread.Core.Events;
using LanSpread.Core.Model;
using Xunit;

namespace LanSpread.Cli.Tests;

/// <summary>
/// The CLI writes each event as its own type with the discriminator put in front (cheaper at start-up
/// than the polymorphic contract); the line must stay exactly what the polymorphic contract gives.
/// </summary>
public sealed class EventJsonTests
{
    public static TheoryData<PeerEvent> Events()
    {
        var peer = PeerId.FromCertificate([1, 2, 3]);
        var game = new Game("alienswarm", "Alien Swarm", "co-op \"shooter\"", "Shooter", 4, 1L << 33, null, "1.2", false, false, 2, true);
        return
        [
            new LibrarySnapshot([game, game with { Id = "cs16", LocalVersion = "1.0", IsDownloaded = true }]),
            new LibrarySnapshot([]),
            new ChunkCompleted("alienswarm", "data/ä ü.bin", 4L << 30, 4 << 20, "seeder", peer),
            new DownloadProgress("alienswarm", 10, 100, 1.5e9),
            new DownloadGameFilesFinished("alienswarm", "1.2", [new PeerBytes("seeder", peer, 1L << 30)], 1.25),
            new GotGameFiles("alienswarm", "1.2", [new GameFileDescription("alienswarm.eti", 5, false), new GameFileDescription("data", 0, true)], [new PeerRef("seeder", peer)]),
            new InstallGameFinished("alienswarm", InstallMode.Update),
            new InstallGameFailed("alienswarm", InstallMode.Install, "bad CRC"),
            new PeerCountChanged(3),
        ];
    }

    [Theory]
    [MemberData(nameof(Events))]
    public void An_event_line_is_the_polymorphic_serialisation(PeerEvent peerEvent)
    {
        var expected = JsonSerializer.Serialize(peerEvent, CliJsonContext.Default.PeerEvent);
        Assert.Equal(expected, EventJson.Line(peerEvent));
        Assert.Equal(peerEvent.GetType().Name, JsonDocument.Parse(EventJson.Line(peerEvent)).RootElement.GetProperty("event").GetString());
    }

    [Fact]
    public void Every_derived_event_is_named_by_its_type_and_has_generated_metadata()
    {
        var derived = typeof(PeerEvent).GetCustomAttributes<JsonDerivedTypeAttribute>().ToList();
        Assert.True(derived.Count >= 30, $"only {derived.Count} derived event types found");
        foreach (var attribute in derived)
        {
            Assert.Equal(attribute.DerivedType.Name, attribute.TypeDiscriminator);
            Assert.NotNull(CliJsonContext.Default.GetTypeInfo(attribute.DerivedType));
        }
    }

    [Fact]
    public void Install_mode_is_written_in_camel_case_as_before()
    {
        var line = EventJson.Line(new InstallGameFinished("g", InstallMode.Update));
        Assert.Equal("{\"event\":\"InstallGameFinished\",\"game\":\"g\",\"mode\":\"update\"}", line);
    }
}
