using LanSpread.TestKit;

namespace LanSpread.Cli.Tests.Manifest;

/// <summary>Three namespace hosts for the manifest scenarios: two seeders and a client; each test makes its own game directories.</summary>
public sealed class ManifestLan : IDisposable
{
    public static readonly string[] Hosts = ["seed-a", "seed-b", "client"];

    public ManifestLan()
    {
        if (Environment.UserName != "root")
        {
            return; // the tests skip (RootFact)
        }

        Lan = new NetnsLan();
        foreach (var host in Hosts)
        {
            Lan.AddHost(host);
        }
    }

    public TempDir Temp { get; } = new("lanspread-manifest");

    public NetnsLan Lan { get; } = null!;

    public void Dispose()
    {
        Lan?.Dispose();
        Temp.Dispose();
    }
}
