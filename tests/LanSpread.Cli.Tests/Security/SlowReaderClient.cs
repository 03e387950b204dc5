using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace LanSpread.Cli.Tests.Security;

/// <summary>
/// An abusive client speaking the real protocol: mutual TLS with its own certificate, one request for a
/// large file, then it never reads. Its socket's receive buffer is made small so the test holds little
/// kernel memory itself; the server sees a reader that takes nothing.
/// </summary>
internal sealed class SlowReaderClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly SslStream _ssl;

    private SlowReaderClient(Socket socket, SslStream ssl)
    {
        _socket = socket;
        _ssl = ssl;
    }

    public static async Task<SlowReaderClient> RequestAndStallAsync(IPAddress source, IPEndPoint server, X509Certificate2 certificate, string game, string path, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        socket.Bind(new IPEndPoint(source, 0)); // the abusive machine's address
        await socket.ConnectAsync(server, cancellationToken);
        var ssl = new SslStream(new NetworkStream(socket, ownsSocket: false));
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "lanspread",
            EnabledSslProtocols = SslProtocols.Tls13,
            ClientCertificates = [certificate],
            // Self-signed peer certificates, as in the real client.
            RemoteCertificateValidationCallback = static (_, presented, _, _) => presented is not null,
        }, cancellationToken);
        var body = Encoding.UTF8.GetBytes($$"""{"v":1,"type":"GetGameFileData","game":"{{game}}","path":"{{path}}"}""");
        var frame = new byte[4 + body.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)body.Length);
        body.CopyTo(frame, 4);
        await ssl.WriteAsync(frame, cancellationToken);
        await ssl.FlushAsync(cancellationToken);
        return new SlowReaderClient(socket, ssl);
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Close(0);
        await _ssl.DisposeAsync();
        _socket.Dispose();
    }
}
