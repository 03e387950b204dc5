using LanSpread.TestKit;

namespace LanSpread.Cli.Tests.Scenarios;

/// <summary>
/// The scenario LAN of DESIGN C.3: five namespace hosts on one bridge and their fixture games, made
/// once for the scenario class. alienswarm is a real stored RAR5 archive above 100 MB.
/// </summary>
public sealed class ScenarioLan : IDisposable
{
    public static readonly string[] Hosts = ["alpha", "bravo", "deep-stage-b", "deep-stage-c", "deep-small-client"];

    public ScenarioLan()
    {
        if (Environment.UserName != "root")
        {
            return; // the scenarios skip (RootFact); nothing to build
        }

        Lan = new NetnsLan();
        foreach (var host in Hosts)
        {
            Lan.AddHost(host);
        }

        AlienSwarm = Enumerable.Range(0, 6).ToDictionary(i => $"swarm/data{i}.vpk", i => GameFixture.Bytes(19_000_000, 100 + i));
        AlienSwarm["bin/swarm.exe"] = GameFixture.Bytes(1_500_000, 99);
        Cs16 = new() { ["hl.exe"] = GameFixture.Bytes(300_000, 1), ["cstrike/maps/de_dust2.bsp"] = GameFixture.Bytes(900_000, 2) };
        Bfbc2 = new() { ["bc2.exe"] = GameFixture.Bytes(400_000, 3), ["levels/arica.fbrb"] = GameFixture.Bytes(700_000, 4) };

        var alpha = Games("alpha");
        GameFixture.Create(alpha, "alienswarm", "20240517", AlienSwarm, new Dictionary<string, byte[]> { ["readme.txt"] = "Alien Swarm"u8.ToArray() });
        GameFixture.Create(alpha, "cs16", "1.6.0", Cs16);
        GameFixture.Create(alpha, "homebrew", "1", new Dictionary<string, byte[]> { ["x.bin"] = [1] });
        GameFixture.Create(Games("bravo"), "bfbc2", "20100302", Bfbc2);
        TransferProcessTests.CopyTree(Path.Combine(alpha, "alienswarm"), Path.Combine(Games("deep-stage-b"), "alienswarm"));
        Games("deep-stage-c");
        Games("deep-small-client");
    }

    public TempDir Temp { get; } = new("lanspread-scenarios");

    public NetnsLan Lan { get; } = null!;

    public Dictionary<string, byte[]> AlienSwarm { get; } = [];

    public Dictionary<string, byte[]> Cs16 { get; } = [];

    public Dictionary<string, byte[]> Bfbc2 { get; } = [];

    public string Games(string host) => Temp.Sub($"{host}/games");

    public string Data(string host) => Temp.Sub($"{host}/data");

    public void Dispose()
    {
        Lan?.Dispose();
        Temp.Dispose();
    }
}
