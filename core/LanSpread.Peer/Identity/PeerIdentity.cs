using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using LanSpread.Core.Model;
using LanSpread.Core.Transport;
using LanSpread.Peer.FileSystem;

namespace LanSpread.Peer.Identity;

/// <summary>
/// This peer's certificate: an ECDSA P-256 self-signed certificate created on first start in the data
/// directory (private key readable by the owner only) and reused after; the peer id is its SHA-256.
/// </summary>
public static class PeerIdentity
{
    public const string CertificateFile = "peer-cert.pem";
    public const string KeyFile = "peer-key.pem";

    public static TransportCredentials LoadOrCreate(string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        Directory.CreateDirectory(dataDirectory);
        var certPath = Path.Combine(dataDirectory, CertificateFile);
        var keyPath = Path.Combine(dataDirectory, KeyFile);
        if (!File.Exists(certPath) || !File.Exists(keyPath))
        {
            Create(certPath, keyPath);
        }

        var certificate = X509Certificate2.CreateFromPemFile(certPath, keyPath);
        return new TransportCredentials(certificate, PeerId.FromCertificate(certificate.RawData));
    }

    private static void Create(string certPath, string keyPath)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=lanspread", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(20));

        // The key first, owner-only from its creation; the certificate is written last, so a crash in
        // between leaves no certificate and the next start makes a fresh pair.
        var keyPem = key.ExportPkcs8PrivateKeyPem();
        if (!OperatingSystem.IsWindows())
        {
            using var stream = new FileStream(keyPath, new FileStreamOptions
            {
                Mode = FileMode.Create,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
            stream.Write(System.Text.Encoding.ASCII.GetBytes(keyPem));
            stream.Flush(flushToDisk: true);
            File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        else
        {
            File.WriteAllText(keyPath, keyPem);
        }

        AtomicFile.WriteAllBytes(certPath, System.Text.Encoding.ASCII.GetBytes(certificate.ExportCertificatePem()));
    }
}
