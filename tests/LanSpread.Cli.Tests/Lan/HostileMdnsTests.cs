using System.Net;
using LanSpread.Core.Model;
using LanSpread.TestKit;
using Makaretu.Dns;
using Xunit;
using Xunit.Abstractions;

namespace LanSpread.Cli.Tests.Lan;

/// <summary>
/// Truncated and malformed mDNS packets, absurd TXT records and a flood of announcements are thrown at
/// a running peer on the namespace LAN; afterwards it must still discover a real peer.
/// </summary>
public sealed class HostileMdnsTests(ITestOutputHelper output)
{
    [RootFact]
    public async Task Discovery_survives_garbage_truncation_absurd_txt_and_a_flood()
    {
        using var temp = new TempDir();
        using var lan = new NetnsLan();
        lan.AddHost("alpha");
        lan.AddHost("attacker");
        lan.AddHost("bravo");
        var alpha = lan.Run("alpha", ["serve", "--games", temp.Sub("alpha-games"), "--data", temp.Sub("alpha-data"), "--name", "alpha", "--set", "mdns.queryInterval=00:00:02"]);
        await Task.Delay(1500);

        var packets = temp.Sub("packets");
        var random = new Random(99);
        var count = 0;
        void Write(byte[] packet) => File.WriteAllBytes(Path.Combine(packets, $"{count++:D5}.bin"), packet);

        for (var i = 0; i < 150; i++)
        {
            Write(GameFixture.Bytes(random.Next(1, 1400), i)); // noise
        }

        var valid = Announcement("fake", PeerId.FromCertificate([1]).Value, "fake-peer", 1, ["txtvers=1"]).ToByteArray();
        for (var i = 0; i < 100; i++)
        {
            Write(valid[..random.Next(1, valid.Length - 1)]); // truncated
        }

        Write(Announcement("absurd", new string('Z', 250), new string('x', 249), 9, Enumerable.Range(0, 60).Select(k => new string((char)('a' + k % 26), 254)).ToList()).ToByteArray());
        Write(Announcement("noid", "not-an-id", "noid", 9, []).ToByteArray());
        Write(Announcement("huge-port", PeerId.FromCertificate([2]).Value, "p", 65535, ["pv=999999999999"]).ToByteArray());
        for (var i = 0; i < 300; i++)
        {
            // A flood of plausible peers at an address nobody answers on.
            Write(Announcement($"flood{i}", PeerId.FromCertificate(BitConverter.GetBytes(i + 1000)).Value, $"flood{i}", 9, [], IPAddress.Parse("10.77.250.250")).ToByteArray());
        }

        using (var sender = lan.RunRaw("attacker", "bash", ["-c", $"for f in {packets}/*.bin; do cat \"$f\" > /dev/udp/224.0.0.251/5353; done"]))
        {
            await sender.WaitForExitAsync();
            output.WriteLine($"sent {count} hostile packets, sender exit {sender.ExitCode}");
            Assert.Equal(0, sender.ExitCode);
        }

        Assert.False(alpha.Process.HasExited, alpha.Stderr);
        using var bravo = lan.Run("bravo", ["serve", "--games", temp.Sub("bravo-games"), "--data", temp.Sub("bravo-data"), "--name", "bravo"]);
        await alpha.WaitForLineAsync(l => l.Contains("\"PeerDiscovered\"", StringComparison.Ordinal) && l.Contains("\"peer\":\"bravo\"", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        Assert.DoesNotContain("\"peer\":\"fake-peer\"", alpha.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("flood", alpha.Stdout, StringComparison.Ordinal);
    }

    private static Message Announcement(string instance, string id, string name, ushort port, List<string> extraTxt, IPAddress? address = null)
    {
        var service = new DomainName("_lanspread._tcp.local");
        var instanceName = DomainName.Join(new DomainName(instance), service);
        var host = new DomainName($"{instance}-host.local");
        var message = new Message { QR = true, AA = true };
        message.Answers.Add(new PTRRecord { Name = service, DomainName = instanceName });
        message.Answers.Add(new SRVRecord { Name = instanceName, Target = host, Port = port });
        message.Answers.Add(new TXTRecord { Name = instanceName, Strings = [$"id={id}", $"name={name}", "pv=1", .. extraTxt] });
        message.AdditionalRecords.Add(new ARecord { Name = host, Address = address ?? IPAddress.Parse("10.77.250.251") });
        return message;
    }
}
