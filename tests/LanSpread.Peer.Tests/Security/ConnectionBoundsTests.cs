using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using LanSpread.Peer.Identity;
using LanSpread.Peer.Protocol;
using LanSpread.TestKit;
using Xunit;

namespace LanSpread.Peer.Tests.Security;

/// <summary>Mutual TLS and the listener's connection caps, against a real peer with hand-made TLS clients.</summary>
public sealed class ConnectionBoundsTests
{
    [Fact]
    public async Task A_client_without_a_certificate_is_refused_and_one_with_a_certificate_is_served()
    {
        await using var set = new TestPeerSet();
        var server = await set.StartAsync("alpha");

        await using (var anonymous = await ConnectAsync(server, certificate: null))
        {
            Assert.False(await TryPingAsync(anonymous), "a client without a certificate was served");
        }

        var credentials = PeerIdentity.LoadOrCreate(set.Temp.Sub("client"));
        await using var named = await ConnectAsync(server, credentials.Certificate);
        Assert.True(await TryPingAsync(named));
    }

    [Fact]
    public async Task Connections_beyond_the_per_peer_cap_are_closed_other_peers_are_still_served_and_a_freed_slot_is_reused()
    {
        using var temp = new TempDir();
        await using var server = await TestPeer.StartAsync(temp, "alpha", pluginSettings: new Dictionary<string, string> { ["tls.maxConnectionsPerPeer"] = "4" });
        var greedy = PeerIdentity.LoadOrCreate(temp.Sub("greedy"));
        var held = new List<SslStream>();
        try
        {
            var served = 0;
            for (var i = 0; i < 10; i++)
            {
                var ssl = await ConnectAsync(server, greedy.Certificate);
                if (await TryPingAsync(ssl))
                {
                    served++;
                    held.Add(ssl);
                }
                else
                {
                    await ssl.DisposeAsync();
                }
            }

            Assert.Equal(4, served);

            var other = PeerIdentity.LoadOrCreate(temp.Sub("other"));
            await using (var ssl = await ConnectAsync(server, other.Certificate))
            {
                Assert.True(await TryPingAsync(ssl), "another peer was refused because of the greedy one");
            }

            await held[0].DisposeAsync();
            held.RemoveAt(0);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (true)
            {
                var ssl = await ConnectAsync(server, greedy.Certificate);
                if (await TryPingAsync(ssl))
                {
                    held.Add(ssl);
                    break;
                }

                await ssl.DisposeAsync();
                Assert.True(DateTime.UtcNow < deadline, "the slot of a closed connection was never freed");
                await Task.Delay(50);
            }
        }
        finally
        {
            foreach (var ssl in held)
            {
                await ssl.DisposeAsync();
            }
        }
    }

    private static async Task<SslStream> ConnectAsync(TestPeer server, X509Certificate2? certificate)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(server.EndPoint);
        var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "lanspread",
                EnabledSslProtocols = SslProtocols.Tls13,
                ClientCertificates = certificate is null ? null : [certificate],
                // Self-signed peer certificates, as in the real client: any certificate is accepted here.
                RemoteCertificateValidationCallback = static (_, certificate, _, _) => certificate is not null,
            });
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            // A refusal may already show in the handshake; TryPingAsync then fails on the dead stream.
        }

        return ssl;
    }

    /// <summary>Sends a Ping; true when a well-formed answer came back, false when the server closed or refused.</summary>
    private static async Task<bool> TryPingAsync(SslStream ssl)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await FrameCodec.WriteRequestAsync(ssl, new Request(ProtocolConstants.Version, RequestType.Ping), timeout.Token);
            var response = await FrameCodec.ReadResponseAsync(ssl, timeout.Token);
            return response.Ok;
        }
        catch (Exception ex) when (ex is IOException or AuthenticationException or ProtocolException or InvalidOperationException or ObjectDisposedException or NotSupportedException)
        {
            return false;
        }
    }
}
