using System.CommandLine;
using LanSpread.Hosting;
using LanSpread.Peer.Hosting;

namespace LanSpread.Gui.Services;

/// <summary>The CLI's common options (<c>--games</c>, <c>--data</c>, <c>--peer</c>, <c>--no-mdns</c>, …), parsed the CLI's way; ASP.NET Core's own (<c>--urls</c>) pass through.</summary>
public sealed class GuiSettings
{
    /// <summary>Where the page is served when no <c>--urls</c> is given; the next free ports are tried when it is busy.</summary>
    public const int DefaultWebPort = 5080;

    private GuiSettings(PeerHostSettings host, bool gameDirectoryGiven)
    {
        Host = host;
        GameDirectoryGiven = gameDirectoryGiven;
    }

    public PeerHostSettings Host { get; }

    /// <summary>False when no <c>--games</c> was given: the embedded default (an empty directory) is used.</summary>
    public bool GameDirectoryGiven { get; }

    /// <summary>Whether the arguments ask for usage (<c>--help</c>, <c>-h</c>, <c>-?</c>): then nothing is started.</summary>
    public static bool WantsHelp(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return args.Any(a => a is "--help" or "-h" or "-?" or "/?" or "/h");
    }

    /// <summary>Prints the usage: the common options and the GUI's own.</summary>
    public static void PrintUsage(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var root = Command();
        root.Options.Add(new Option<string?>("--urls") { Description = $"Where the page is served (default http://127.0.0.1:{DefaultWebPort}, or the next free port)" });
        root.Parse(["--help"]).Invoke(new InvocationConfiguration { Output = output });
    }

    public static GuiSettings Parse(string[] args)
    {
        var common = new CommonOptions();
        common.Games.Required = false;
        var root = Command(common);
        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            throw new UsageException(string.Join("; ", result.Errors.Select(e => e.Message)));
        }

        var given = result.GetValue(common.Games) is not null;
        var settings = given ? common.Parse(result) : common.Parse(root.Parse([.. args, "--games", DefaultGameDirectory()]));
        return new GuiSettings(settings, given);
    }

    private static RootCommand Command(CommonOptions? common = null)
    {
        var root = new RootCommand("LanSpread GUI: a local web page over a LanSpread peer (opens on an embedded default game directory without --games)")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        (common ?? new CommonOptions { Games = { Required = false } }).AddTo(root);
        return root;
    }

    private static string DefaultGameDirectory()
    {
        var directory = Path.Combine(Peer.Runtime.PeerRuntimeOptions.DefaultDataDirectory(), "games");
        Directory.CreateDirectory(directory);
        return directory;
    }
}
