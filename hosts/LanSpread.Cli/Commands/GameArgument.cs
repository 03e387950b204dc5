using System.CommandLine;
using LanSpread.Peer.Library;

namespace LanSpread.Cli.Commands;

/// <summary>
/// The one place a <c>GAME</c> argument is parsed (get, install, uninstall): a game id is the name of
/// a folder in the game directory, so anything that could name another place is refused here.
/// </summary>
internal static class GameArgument
{
    public static Argument<string> Create()
    {
        var game = new Argument<string>("GAME") { Description = "The game id (its folder name in the game directory, e.g. openttd)" };
        game.Validators.Add(result =>
        {
            var id = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (!LibraryScanner.IsValidGameId(id))
            {
                result.AddError($"'{id}' is not a game id (a folder name: no '/', '\\', ':' or leading '.')");
            }
        });
        return game;
    }
}
