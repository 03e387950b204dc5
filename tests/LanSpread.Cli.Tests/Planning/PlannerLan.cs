using LanSpread.TestKit;

namespace LanSpread.Cli.Tests.Planning;

/// <summary>Three namespace hosts for the planner scenarios: two seeders with one 200 MB game between them, and a client.</summary>
public sealed class PlannerLan : IDisposable
{
    public const string Game = "alienswarm";

    public static readonly string[] Hosts = ["seed-a", "seed-b", "client"];

    public PlannerLan()
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

        // 200 MB in twenty files (the issue asks for at least 100 MB): the slow peer's last chunk, a fixed tail of a
        // few tenths of a second, is then a small enough share of the ~4 s download that CI's noise does not decide
        // the 400/40 ratio (at 100 MB it read 1.04 once, best of two).
        Content = Enumerable.Range(0, 20).ToDictionary(i => $"data/part{i:00}.vpk", i => GameFixture.Bytes(10_000_000, 40 + i));
        foreach (var seeder in Hosts[..2])
        {
            Roots[seeder] = GameFixture.Create(Temp.Sub($"{seeder}/games"), Game, "1", Content);
        }

        TotalBytes = new FileInfo(Path.Combine(Roots["seed-a"], Game + ".eti")).Length;
    }

    public TempDir Temp { get; } = new("lanspread-planner");

    public NetnsLan Lan { get; } = null!;

    public IReadOnlyDictionary<string, byte[]> Content { get; } = new Dictionary<string, byte[]>();

    /// <summary>Each seeder's game root.</summary>
    public Dictionary<string, string> Roots { get; } = [];

    public long TotalBytes { get; }

    public void Dispose()
    {
        Lan?.Dispose();
        Temp.Dispose();
    }
}
