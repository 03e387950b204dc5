using LanSpread.TestKit;
using Xunit;

namespace LanSpread.Cli.Tests;

/// <summary>Plugin settings from --set, the environment and a settings file: unknown keys and bad values refused.</summary>
public sealed class PluginSettingsTests
{
    [Fact]
    public async Task An_unknown_key_exits_2_naming_every_known_key()
    {
        using var temp = new TempDir();
        using var serve = await CliProcess.RunAsync(["serve", "--games", temp.Sub("games"), "--data", temp.Sub("data"), "--no-mdns", "--listen", "127.0.0.1:0", "--set", "tls.nonsense=1"]);
        Assert.Equal(2, serve.ExitCode);
        var line = Assert.Single(serve.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("unknown setting 'tls.nonsense'", line, StringComparison.Ordinal);
        // Every plugin's keys, the bound options types' included (defaults live in those types only).
        foreach (var known in new[] { "tls.connectionsPerPeer", "mdns.queryInterval", "mdns.recordTtl", "quic.idleTimeout", "rar.useStoredFastPath", "rar.bufferSize" })
        {
            Assert.Contains(known, line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_environment_and_a_settings_file_are_checked_like_set()
    {
        using var temp = new TempDir();
        using var games = new TempDir();
        Directory.CreateDirectory(Path.Combine(games.Path, "bfbc2"));
        string[] install = ["install", "bfbc2", "--games", games.Path];

        using var fromEnvironment = await CliProcess.RunAsync(install, environment: new Dictionary<string, string> { ["LANSPREAD_SET_rar__nonsense"] = "1" });
        Assert.Equal(2, fromEnvironment.ExitCode);
        Assert.Contains("unknown setting 'rar.nonsense' (known: ", fromEnvironment.Stderr, StringComparison.Ordinal);

        var file = Path.Combine(temp.Path, "settings.json");
        File.WriteAllText(file, """{ "rar": { "useStoredFastPath": "maybe" } }""");
        using var fromFile = await CliProcess.RunAsync(install, environment: new Dictionary<string, string> { ["LANSPREAD_SETTINGS"] = file });
        Assert.Equal(2, fromFile.ExitCode);
        Assert.Contains("setting 'rar.useStoredFastPath': 'maybe' is not a valid true or false", fromFile.Stderr, StringComparison.Ordinal);

        using var missing = await CliProcess.RunAsync(install, environment: new Dictionary<string, string> { ["LANSPREAD_SETTINGS"] = Path.Combine(temp.Path, "none.json") });
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("no settings file", missing.Stderr, StringComparison.Ordinal);

        // A valid file: the install goes on to its own error (the game is not downloaded), not a settings one.
        File.WriteAllText(file, """{ "rar": { "useStoredFastPath": false } }""");
        using var valid = await CliProcess.RunAsync(install, environment: new Dictionary<string, string> { ["LANSPREAD_SETTINGS"] = file });
        Assert.Equal(6, valid.ExitCode);
    }
}
