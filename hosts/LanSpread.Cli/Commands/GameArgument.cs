using System.CommandLine;
using LanSpread.Core.Model;

namespace LanSpread.Cli.Commands;

/// <summary>
/// The one place a <c>GAME</c> argument is parsed (get, install, uninstall): a game id is the name of
/// a folder in the game directory, so anything that could name another place is refused here.
/// </summary>
internal static class GameArgument
{
    public static Argument<string> Create()
    {
        var game = new Argument<string>("GAME") { Description = $"The game id (its folder name in the game directory, e.g. openttd: {GameId.Rule})" };
        game.Validators.Add(result =>
        {
            var id = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (GameId.Problem(id) is { } problem)
            {
                result.AddError($"'{GameId.Printable(id)}' is not a game id: {problem}");
            }
        });
        return game;
    }
}
