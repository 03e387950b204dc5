using System.CommandLine;

namespace LanSpread.Cli.Commands;

/// <summary>Turns System.CommandLine's parse errors into one line in the user's words.</summary>
internal static class ParseErrors
{
    /// <summary>One line describing the first thing to fix, with where to read more.</summary>
    public static string Describe(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var command = result.CommandResult.Command;
        var root = command is RootCommand ? command : result.RootCommandResult.Command;
        var verbs = string.Join(", ", root.Subcommands.Select(c => c.Name));
        var isRoot = command is RootCommand;
        var help = isRoot ? "lanspread --help" : $"lanspread {command.Name} --help";

        if (result.UnmatchedTokens.Count > 0)
        {
            var token = result.UnmatchedTokens[0];
            if (isRoot)
            {
                return token.StartsWith('-')
                    ? $"unknown option '{token}': give a verb first ({verbs}); see {help}"
                    : $"unknown verb '{token}'; the verbs are {verbs} (see {help})";
            }

            if (token.StartsWith('-'))
            {
                var takes = string.Join(", ", command.Options.Where(o => !o.Hidden && o.Name.StartsWith("--", StringComparison.Ordinal) && o.Name != "--help").Select(o => o.Name));
                return $"{command.Name} does not take {token} (it takes {takes}; see {help})";
            }

            return $"{command.Name}: unexpected argument '{token}' (see {help})";
        }

        if (isRoot)
        {
            return $"no verb given; the verbs are {verbs} (see {help})";
        }

        if (command.Arguments.FirstOrDefault(a => a.Arity.MinimumNumberOfValues > 0 && (result.GetResult(a)?.Tokens.Count ?? 0) == 0) is { } missing)
        {
            return $"{command.Name} needs its {missing.Name} argument: lanspread {command.Name} {missing.Name} ... (see {help})";
        }

        if (command.Options.FirstOrDefault(o => o.Required && result.GetResult(o) is not { IdentifierToken: not null }) is { } required)
        {
            var what = string.IsNullOrEmpty(required.Description) ? string.Empty : $": {char.ToLowerInvariant(required.Description[0])}{required.Description[1..]}";
            return $"{command.Name} needs {required.Name} {required.HelpName ?? "VALUE"}{what} (see {help})";
        }

        var error = result.Errors[0];

        if (error.SymbolResult is System.CommandLine.Parsing.OptionResult { Tokens.Count: 0 } missingValue && missingValue.IdentifierToken is not null)
        {
            return $"{missingValue.IdentifierToken.Value} needs a value (see {help})";
        }

        return $"{error.Message.TrimEnd('.')} (see {help})";
    }
}
