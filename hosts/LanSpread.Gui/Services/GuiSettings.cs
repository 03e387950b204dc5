using System.CommandLine;
using LanSpread.Cli.Commands;
using LanSpread.Peer.Hosting;

namespace LanSpread.Gui.Services;

/// <summary>The CLI's common options (<c>--games</c>, <c>--data</c>, <c>--peer</c>, <c>--no-mdns</c>, …), parsed the CLI's way; ASP.NET Core's own (<c>--urls</c>) pass through.</summary>
public sealed class GuiSettings
{
    private GuiSettings(PeerHostSettings host, bool gameDirectoryGiven)
    {
        Host = host;
        GameDirectoryGiven = gameDirectoryGiven;
    }

    public PeerHostSettings Host { get; }

    /// <summary>False when no <c>--games</c> was given: the embedded default (an empty directory) is used.</summary>
    public bool GameDirectoryGiven { get; }

    public static GuiSettings Parse(string[] args)
    {
        var common = new CommonOptions();
        common.Games.Required = false;
        var root = new RootCommand { TreatUnmatchedTokensAsErrors = false };
        common.AddTo(root);
        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            throw new UsageException(string.Join("; ", result.Errors.Select(e => e.Message)));
        }

        var given = result.GetValue(common.Games) is not null;
        var settings = given ? common.Parse(result) : common.Parse(root.Parse([.. args, "--games", DefaultGameDirectory()]));
        return new GuiSettings(settings, given);
    }

    private static string DefaultGameDirectory()
    {
        var directory = Path.Combine(Peer.Runtime.PeerRuntimeOptions.DefaultDataDirectory(), "games");
        Directory.CreateDirectory(directory);
        return directory;
    }
}
