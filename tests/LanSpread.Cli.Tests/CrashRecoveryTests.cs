using LanSpread.Core.Composition;
using LanSpread.Core.Unpacking;
using LanSpread.Peer.Hosting;
using LanSpread.Peer.Installing;
using LanSpread.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace LanSpread.Cli.Tests;

/// <summary>
/// S9: install, update and uninstall run in a real child process that is SIGKILLed at each step of the
/// transaction (LANSPREAD_CRASH_AT) and after random delays; recovery must leave old-or-new, never a
/// mix, and must not delete anything it cannot prove it owns.
/// </summary>
public sealed class CrashRecoveryTests
{
    private static readonly Dictionary<string, byte[]> OldContent = new() { ["bin/game.exe"] = [1, 1], ["old-only.dat"] = GameFixture.Bytes(200_000, 1) };
    private static readonly Dictionary<string, byte[]> NewContent = new() { ["bin/game.exe"] = [2, 2, 2], ["new-only.dat"] = GameFixture.Bytes(300_000, 2) };

    public static TheoryData<string, string> Steps => new()
    {
        { "install", "install.after-intent" },
        { "install", "install.after-unpack" },
        { "install", "install.before-rename" },
        { "install", "install.after-rename" },
        { "update", "update.after-intent" },
        { "update", "update.after-unpack" },
        { "update", "update.before-swap" },
        { "update", "update.after-backup" },
        { "update", "update.after-swap" },
        { "uninstall", "uninstall.after-intent" },
        { "uninstall", "uninstall.after-move" },
        { "uninstall", "uninstall.after-delete" },
    };

    [Theory]
    [MemberData(nameof(Steps))]
    public async Task Killed_at_a_step_recovery_leaves_old_or_new(string operation, string step)
    {
        using var temp = new TempDir();
        var root = Prepare(temp, operation, NewContent);
        using var cli = await CliProcess.RunAsync([operation == "uninstall" ? "uninstall" : "install", "cs16", "--games", temp.Path],
            environment: new Dictionary<string, string> { ["LANSPREAD_CRASH_AT"] = step });
        Assert.NotEqual(0, cli.ExitCode);
        Assert.Contains($"killing the process at {step}", cli.Stderr, StringComparison.Ordinal);

        await RecoverAndAssertAsync(root, operation);
    }

    [Fact]
    public async Task Killed_after_random_delays_recovery_leaves_old_or_new()
    {
        var random = new Random(4242);
        var big = new Dictionary<string, byte[]>(NewContent) { ["data/big.pak"] = GameFixture.Bytes(60_000_000, 3) };
        for (var i = 0; i < 6; i++)
        {
            using var temp = new TempDir();
            var operation = i % 3 == 0 ? "install" : i % 3 == 1 ? "update" : "uninstall";
            var root = Prepare(temp, operation, big);
            using var cli = CliProcess.Start([operation == "uninstall" ? "uninstall" : "install", "cs16", "--games", temp.Path]);
            await Task.Delay(random.Next(150, 700));
            cli.Kill();
            await cli.WaitForExitAsync(TimeSpan.FromSeconds(30));
            await RecoverAndAssertAsync(root, operation, big);
        }
    }

    private static string Prepare(TempDir temp, string operation, Dictionary<string, byte[]> newContent)
    {
        var root = GameFixture.Create(temp.Path, "cs16", "2", newContent, new Dictionary<string, byte[]> { ["user-notes.txt"] = [9] });
        Directory.CreateDirectory(Path.Combine(root, "mods", "user-map"));
        if (operation != "install")
        {
            foreach (var (name, bytes) in operation == "uninstall" ? newContent : OldContent)
            {
                var path = Path.Combine(root, "local", name);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllBytes(path, bytes);
            }
        }

        return root;
    }

    private static async Task RecoverAndAssertAsync(string root, string operation, Dictionary<string, byte[]>? newContent = null)
    {
        newContent ??= NewContent;
        using var plugins = PeerHost.LoadPlugins([], NullLoggerFactory.Instance);
        var transaction = new InstallTransaction(plugins.Select<IUnpacker>(PluginKind.Unpacker, null), NullLogger<InstallTransaction>.Instance);
        var outcome = await transaction.RecoverAsync(root, default);
        Assert.NotEqual("unresolved", outcome.Action);

        var local = Path.Combine(root, "local");
        var state = !Directory.Exists(local) ? "none"
            : GameFixture.Manifest(local).SequenceEqual(GameFixture.Manifest(OldContent)) ? "old"
            : GameFixture.Manifest(local).SequenceEqual(GameFixture.Manifest(newContent)) ? "new"
            : "MIXED";
        var allowed = operation switch
        {
            "install" => new[] { "none", "new" },
            "update" => ["old", "new"],
            _ => ["new", "none"], // uninstall: still installed (the "new" content) or gone
        };
        Assert.Contains(state, allowed);
        Assert.False(Directory.Exists(Path.Combine(root, ".local.installing")));
        Assert.False(Directory.Exists(Path.Combine(root, ".local.backup")));
        Assert.False(File.Exists(Path.Combine(root, ".lanspread.json")));
        Assert.True(File.Exists(Path.Combine(root, "user-notes.txt")));
        Assert.True(Directory.Exists(Path.Combine(root, "mods", "user-map")));
        Assert.True(File.Exists(Path.Combine(root, "cs16.eti")));
    }
}
