using LanSpread.TestKit;
using Xunit;

namespace LanSpread.Cli.Tests;

/// <summary>
/// Every bad option or value the real <c>lanspread</c> takes: the documented exit code, exactly one
/// line on stderr that names the fix in the user's words, no stack frames and no .NET type names.
/// Placeholders ({games}, {data}, {file}, …) become paths in the test's own temp directory.
/// </summary>
public sealed class BadInputTests
{
    public static TheoryData<string[], int, string> Cases()
    {
        var cases = new TheoryData<string[], int, string>
        {
            // The command line itself.
            { [], 2, "no verb given" },
            { ["frobnicate"], 2, "unknown verb 'frobnicate'" },
            { ["--frob"], 2, "unknown option '--frob'" },
            { ["get", "--games", "{games}", "--data", "{data}"], 2, "get needs its GAME argument" },
            { ["get", "x"], 2, "get needs --games DIR" },
            { ["get", "x", "--games"], 2, "--games needs a value" },
            { ["get", "x", "y", "--games", "{games}"], 2, "unexpected argument 'y'" },
            { ["get", "../x", "--games", "{games}"], 2, "'../x' is not a game id" },
            { ["get", ".hidden", "--games", "{games}"], 2, "is not a game id" },
            { ["install", "x", "--games", "{games}", "--data", "{data}"], 2, "install does not take --data (it takes --games" },
            { ["uninstall", "x", "--games", "{games}", "--catalog", "{file}"], 2, "uninstall does not take --catalog" },
            { ["manifest"], 2, "manifest needs its DIR argument" },
            { ["manifest", "{games}", "--json"], 2, "manifest does not take --json (it takes no options" },
            { ["lst"], 2, "unknown verb 'lst' (did you mean list?)" },
            { ["get", "x", "--gmaes", "{games}"], 2, "get does not take --gmaes (did you mean --games?)" },
            { ["serve", "--games", "{games}", "--no-mdns", "maybe"], 2, "--no-mdns is a switch and takes no value (got 'maybe')" },
            { ["plugins", "--json", "3"], 2, "--json is a switch and takes no value" },
            { ["get", "x", "--games", "{games}", "--peers", "1", "--peers", "2"], 2, "--peers was given 2 times; give it once" },
            { ["serve", "--games", ""], 2, "--games '' is not a directory path" },
            { ["serve", "--games", "{games}", "--catalog", ""], 2, "--catalog '' is not a file path" },

            // Typed values.
            { ["get", "x", "--games", "{games}", "--timeout", "abc"], 2, "--timeout 'abc' is not a number of seconds" },
            { ["get", "x", "--games", "{games}", "--timeout", "-1"], 2, "--timeout -1 must be more than 0" },
            { ["get", "x", "--games", "{games}", "--timeout", "0"], 2, "--timeout 0 must be more than 0" },
            { ["get", "x", "--games", "{games}", "--timeout", "NaN"], 2, "--timeout 'NaN' is not a number" },
            { ["get", "x", "--games", "{games}", "--timeout", "1e9"], 2, "at most 604800 seconds" },
            { ["get", "x", "--games", "{games}", "--settle", "soon"], 2, "--settle 'soon' is not a number" },
            { ["get", "x", "--games", "{games}", "--peers", "0"], 2, "--peers '0' must be a whole number from 1" },
            { ["get", "x", "--games", "{games}", "--peers", "two"], 2, "--peers 'two' must be a whole number" },
            { ["get", "x", "--games", "{games}", "--peers", "1.5"], 2, "--peers '1.5' must be a whole number" },
            { ["list", "--games", "{games}", "--log-level", "loud"], 2, "--log-level 'loud' must be one of: trace, debug" },
            { ["list", "--games", "{games}", "--remote", "--timeout", "-3"], 2, "--timeout -3 must be more than 0" },
            { ["serve", "--games", "{games}", "--ping-interval", "0"], 2, "--ping-interval 0 must be more than 0" },
            { ["serve", "--games", "{games}", "--ping-interval", "often"], 2, "--ping-interval 'often' is not a number" },
            { ["serve", "--games", "{games}", "--ping-interval", "99999"], 2, "at most 3600 seconds" },
            { ["serve", "--games", "{games}", "--rescan-interval", "-5"], 2, "--rescan-interval -5 must be more than 0" },
            { ["serve", "--games", "{games}", "--chunk-size", "-4M"], 2, "--chunk-size '-4M' must be a positive size up to 256M" },
            { ["serve", "--games", "{games}", "--chunk-size", "lots"], 2, "--chunk-size 'lots' must be a positive size" },
            { ["serve", "--games", "{games}", "--chunk-size", "1G"], 2, "--chunk-size '1G' must be a positive size up to 256M" },
            { ["serve", "--games", "{games}", "--chunk-size", "0"], 2, "--chunk-size '0' must be a positive size" },
            { ["serve", "--games", "{games}", "--max-upload-rate", "fast"], 2, "--max-upload-rate 'fast' must be a positive size" },
            { ["serve", "--games", "{games}", "--max-upload-rate", "0"], 2, "--max-upload-rate '0' must be a positive size" },
            { ["serve", "--games", "{games}", "--max-uploads-per-peer", "0"], 2, "--max-uploads-per-peer '0' must be between 1 and 1024" },
            { ["serve", "--games", "{games}", "--set", "noequals"], 2, "--set 'noequals': expected KEY=VALUE" },
            { ["serve", "--games", "{games}", "--set", "=x"], 2, "--set '=x': expected KEY=VALUE" },
            { ["serve", "--games", "{games}", "--set", "tls.nonsense=1"], 2, "unknown setting 'tls.nonsense' (known: " },
            { ["serve", "--games", "{games}", "--set", "tls.connectionsPerPeer=many"], 2, "setting 'tls.connectionsPerPeer': 'many' is not a valid whole number" },
            { ["serve", "--games", "{games}", "--set", "tls.serverIdleTimeout=120"], 2, "setting 'tls.serverIdleTimeout': 120.00:00:00 must be more than 0 and at most a day" },
            { ["serve", "--games", "{games}", "--set", "mdns.queryInterval=soon"], 2, "setting 'mdns.queryInterval': 'soon' is not a valid duration (hh:mm:ss)" },

            // Addresses, plugins, paths.
            { ["serve", "--games", "{games}", "--listen", "not-an-endpoint"], 2, "--listen 'not-an-endpoint' is not ADDR:PORT" },
            { ["serve", "--games", "{games}", "--listen", "127.0.0.1:99999"], 2, "is not ADDR:PORT" },
            { ["serve", "--games", "{games}", "--listen", "192.0.2.1:42420", "--no-mdns"], 2, "that address is not on this machine" },
            { ["serve", "--games", "{games}", "--peer", "host:notaport"], 2, "bad peer address" },
            { ["serve", "--games", "{games}", "--peer", "no.such.host.invalid:1"], 2, "does not resolve" },
            { ["serve", "--games", "{games}", "--transport", "pigeon"], 2, "unknown transport 'pigeon' (available: tls" },
            { ["serve", "--games", "{games}", "--planner", "psychic"], 2, "unknown planner 'psychic' (available: adaptive, round-robin" },
            { ["serve", "--games", "/nonexistent/games"], 2, "does not exist" },
            { ["serve", "--games", "{file}"], 2, "is a file" },
            { ["serve", "--games", "{games}", "--data", "{file}"], 2, "--data '{file}' is a file" },
            { ["serve", "--games", "{games}", "--catalog", "/nonexistent/catalog.json"], 2, "catalog file '/nonexistent/catalog.json' does not exist" },
            { ["serve", "--games", "{games}", "--catalog", "{file}"], 2, "not valid catalog JSON" },
            { ["list", "--games", "/nonexistent/games"], 2, "does not exist" },
            { ["list", "--games", "{games}", "--catalog", "{no-id-catalog}"], 2, "needs an \"id\" and a \"name\"" },
            { ["catalog", "--catalog", "{file}"], 2, "not valid catalog JSON" },
            { ["manifest", "/nonexistent/tree"], 2, "is not a directory" },

            // The demo.
            { ["demo", "--size", "512G"], 2, "--size '512G' must be a positive size up to 4G" },
            { ["demo", "--size", "big"], 2, "--size 'big'" },
            { ["demo", "--dir", "{file}"], 2, "--dir '{file}' is a file" },
            { ["demo", "--dir", "{full}"], 2, "is not empty" },
            { ["demo", "--log-level", "loud"], 2, "--log-level 'loud'" },
            { ["demo", "--clients", "0"], 2, "--clients '0' must be a whole number from 1 to 8" },
            { ["demo", "--clients", "9"], 2, "--clients '9' must be a whole number from 1 to 8" },
            { ["demo", "--seeder-rate", "0"], 2, "--seeder-rate '0' must be a positive size" },

            // Documented codes other than 2.
            { ["install", "nosuchgame", "--games", "{games}"], 3, "no game 'nosuchgame'" },
            { ["uninstall", "nosuchgame", "--games", "{games}"], 3, "no game 'nosuchgame'" },
            { ["install", "noarchive", "--games", "{full}"], 6, "no archive" },
            { ["install", "notdownloaded", "--games", "{full}"], 6, "not downloaded" },
        };
        if (!System.Net.Quic.QuicListener.IsSupported)
        {
            // Asked for by name, the NotSupported plugin gives its reason (otherwise it is a Debug notice).
            cases.Add(["serve", "--games", "{games}", "--transport", "quic"], 2, "libmsquic");
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_gets_its_exit_code_and_one_line(string[] args, int code, string message)
    {
        using var temp = new TempDir();
        var file = Path.Combine(temp.Path, "a-file.txt");
        File.WriteAllText(file, "not a directory, not a catalog\n");
        var noIdCatalog = Path.Combine(temp.Path, "catalog.json");
        File.WriteAllText(noIdCatalog, """{"games": [{"name": "No Id"}]}""");
        var full = temp.Sub("full");
        Directory.CreateDirectory(Path.Combine(full, "noarchive"));
        File.WriteAllText(Path.Combine(full, "noarchive", "version.ini"), "1\n");
        Directory.CreateDirectory(Path.Combine(full, "notdownloaded"));
        var values = new Dictionary<string, string>
        {
            ["{games}"] = temp.Sub("games"),
            ["{data}"] = temp.Sub("data"),
            ["{file}"] = file,
            ["{full}"] = full,
            ["{no-id-catalog}"] = noIdCatalog,
        };
        string Fill(string text) => values.Aggregate(text, (t, p) => t.Replace(p.Key, p.Value, StringComparison.Ordinal));

        var argv = args.Select(Fill).ToList();
        if (argv.Count > 0 && argv[0] is "serve" or "get" or "list" && !argv.Contains("--data"))
        {
            // Peer verbs get their own data directory, so no test touches the user's.
            argv.InsertRange(1, ["--data", values["{data}"]]);
        }

        using var cli = await CliProcess.RunAsync(argv, TimeSpan.FromSeconds(60));
        var lines = cli.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(code == cli.ExitCode, $"exit {cli.ExitCode}, expected {code}; stderr:\n{cli.Stderr}");
        Assert.True(lines.Length == 1, $"expected exactly one line on stderr, got {lines.Length}:\n{cli.Stderr}");
        var line = lines[0];
        Assert.StartsWith("lanspread: ", line, StringComparison.Ordinal);
        Assert.Contains(Fill(message), line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", cli.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Microsoft.", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Debug_level_adds_the_details_an_ordinary_run_hides()
    {
        using var temp = new TempDir();
        string[] args = ["serve", "--games", temp.Sub("games"), "--data", temp.Sub("data"), "--listen", "192.0.2.1:42420", "--no-mdns"];
        using var plain = await CliProcess.RunAsync(args, TimeSpan.FromSeconds(60));
        using var debug = await CliProcess.RunAsync([.. args, "--log-level", "debug"], TimeSpan.FromSeconds(60));
        Assert.Equal(2, plain.ExitCode);
        Assert.Equal(2, debug.ExitCode);
        Assert.DoesNotContain("   at ", plain.Stderr, StringComparison.Ordinal);
        Assert.Contains("   at ", debug.Stderr, StringComparison.Ordinal);
        Assert.Contains("SocketException", debug.Stderr, StringComparison.Ordinal);
    }
}
