using System.Globalization;
using LanSpread.TestKit;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace LanSpread.Gui.Tests;

/// <summary>
/// A loopback LAN for one browser test: real <c>lanspread serve</c> seeders (sharing one seed
/// directory), the real GUI process as the client, pages in the shared Chromium. Seeders can be frozen
/// (SIGSTOP) to hold a download open without racing it, and killed.
/// </summary>
internal sealed class GuiLan : IAsyncDisposable
{
    public const string Big = "bfbc2";
    public const string Small = "cs16";

    private readonly IBrowser _browser;
    private readonly List<IBrowserContext> _contexts = [];
    private readonly ITestOutputHelper? _output;

    private GuiLan(IBrowser browser, ITestOutputHelper? output)
    {
        _browser = browser;
        _output = output;
    }

    public TempDir Temp { get; } = new();

    public List<(string Name, int Port, CliProcess Process, ThrottledRelay Link)> Seeders { get; } = [];

    public GuiProcess? Gui { get; private set; }

    public string Url { get; private set; } = string.Empty;

    public string ClientGames => Temp.Sub("client-games");

    public string SeedGames => Temp.Sub("seed-games");

    /// <summary>
    /// Starts the seeders (each serving <see cref="Big"/>: 4 × <paramref name="fileBytes"/>, and <see cref="Small"/>),
    /// each behind its own link paced to <paramref name="rates"/>[i] bytes per second (default 4 MB/s): a download
    /// of <see cref="Big"/> takes seconds, so a test can act while it runs without racing it.
    /// </summary>
    public static async Task<GuiLan> StartSeedersAsync(IBrowser browser, int seeders, int fileBytes = 4_000_000, double[]? rates = null, ITestOutputHelper? output = null)
    {
        var lan = new GuiLan(browser, output);
        if (seeders > 0)
        {
            GameFixture.Create(lan.SeedGames, Big, "20100302", Enumerable.Range(0, 4).ToDictionary(i => $"levels/level{i}.fbrb", i => GameFixture.Bytes(fileBytes, i)));
            GameFixture.Create(lan.SeedGames, Small, "1.6", new Dictionary<string, byte[]> { ["hl.exe"] = [1] });
        }

        var started = new List<(string Name, CliProcess Process, double Rate)>();
        for (var i = 0; i < seeders; i++)
        {
            var name = $"seeder-{(char)('a' + i)}";
            // Port 0, read back from the log: a port picked free beforehand can be taken before serve binds it.
            var process = CliProcess.Start(["serve", "--games", lan.SeedGames, "--data", lan.Temp.Sub($"{name}-data"), "--name", name, "--listen", "127.0.0.1:0", "--no-mdns", "--ping-interval", "0.5", "--chunk-size", "256K"]);
            started.Add((name, process, rates?[i] ?? 4_000_000));
        }

        foreach (var (name, process, rate) in started)
        {
            try
            {
                var port = await process.WaitForListenPortAsync(TimeSpan.FromSeconds(60));
                lan.Seeders.Add((name, port, process, new ThrottledRelay(port, rate)));
            }
            catch
            {
                foreach (var (_, orphan, _) in started.Where(s => !lan.Seeders.Any(seeder => seeder.Process == s.Process)))
                {
                    orphan.Dispose();
                }

                throw;
            }
        }

        foreach (var seeder in lan.Seeders)
        {
            await seeder.Process.WaitForLineAsync(l => l.Contains("\"LibraryReady\"", StringComparison.Ordinal), TimeSpan.FromSeconds(60)); // its games are offered
        }

        return lan;
    }

    /// <summary>Starts the GUI as a client of every seeder; <paramref name="extra"/> adds or overrides options.</summary>
    /// <remarks>
    /// Pings share the paced links with the chunks (up to a second of queue at 1 MB/s), so the GUI keeps
    /// the default 2 s interval (a peer pruned after 6 s of silence) unless a test needs a dead peer
    /// noticed sooner and passes a shorter <paramref name="pingInterval"/>.
    /// </remarks>
    public async Task StartGuiAsync(IEnumerable<string>? extra = null, double? pingInterval = null)
    {
        Url = $"http://127.0.0.1:{Ports.Free()}";
        string[] args = ["--urls", Url, "--data", Temp.Sub("client-data"), "--name", "gui-client", "--no-mdns", "--chunk-size", "64K", .. extra ?? []];
        if (pingInterval is { } seconds)
        {
            args = [.. args, "--ping-interval", seconds.ToString(CultureInfo.InvariantCulture)];
        }

        if (!args.Contains("--games"))
        {
            args = [.. args, "--games", ClientGames];
        }

        if (!args.Contains("--listen"))
        {
            args = [.. args, "--listen", "127.0.0.1:0"];
        }

        foreach (var seeder in Seeders)
        {
            args = [.. args, "--peer", $"127.0.0.1:{seeder.Link.Port}"];
        }

        Gui = GuiProcess.Start(args);
        await Gui.WaitUntilUpAsync(Url, TimeSpan.FromSeconds(60));
    }

    public async Task<IPage> OpenAsync(string path = "", int width = 1280, int height = 720)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync($"{Url}/{path}");
        await page.Locator("[data-testid=peer-count]").WaitForAsync();
        return page;
    }

    /// <summary>Paces every seeder's link (bytes per second).</summary>
    public void Pace(double bytesPerSecond)
    {
        foreach (var seeder in Seeders)
        {
            seeder.Link.BytesPerSecond = bytesPerSecond;
        }
    }

    public void Freeze(int seeder) => Shell.Run("kill", "-STOP", Pid(seeder));

    public void Thaw(int seeder) => Shell.Run("kill", "-CONT", Pid(seeder));

    public void Kill(int seeder) => Seeders[seeder].Process.Kill();

    public async ValueTask DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.DisposeAsync();
        }

        if (Gui is not null && _output is not null)
        {
            // The GUI's own log, for when a test fails: the last lines are what it did last.
            _output.WriteLine("--- GUI output (last 60 lines) ---");
            foreach (var line in Gui.Output.Split('\n').TakeLast(60))
            {
                _output.WriteLine(line.TrimEnd());
            }
        }

        Gui?.Dispose();
        foreach (var seeder in Seeders)
        {
            seeder.Process.Dispose(); // SIGKILL works on a frozen process too
            await seeder.Link.DisposeAsync();
        }

        Temp.Dispose();
    }

    private string Pid(int seeder) => Seeders[seeder].Process.Process.Id.ToString(CultureInfo.InvariantCulture);
}
