using System.CommandLine;
using System.CommandLine.Parsing;

namespace LanSpread.Cli.Commands;

/// <summary>Turns System.CommandLine's parse errors into one line in the user's words.</summary>
internal static class ParseErrors
{
    /// <summary>One line describing the first thing to fix, with where to read more.</summary>
    public static string Describe(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var command = result.CommandResult.Command;
        var root = result.RootCommandResult.Command;
        var verbs = root.Subcommands.Select(c => c.Name).ToList();
        var isRoot = command is RootCommand;
        var help = isRoot ? "lanspread --help" : $"lanspread {command.Name} --help";

        if (result.UnmatchedTokens.Count > 0)
        {
            var token = result.UnmatchedTokens[0];
            if (isRoot)
            {
                return token.StartsWith('-')
                    ? $"unknown option '{token}': give a verb first ({string.Join(", ", verbs)}); see {help}"
                    : $"unknown verb '{token}'{Suggest(token, verbs)}; the verbs are {string.Join(", ", verbs)} (see {help})";
            }

            if (token.StartsWith('-'))
            {
                var names = command.Options.Where(o => !o.Hidden && o.Name.StartsWith("--", StringComparison.Ordinal) && o.Name != "--help").Select(o => o.Name).ToList();
                var suggestion = Suggest(token, names);
                var takes = names.Count == 0 ? "it takes no options" : suggestion.Length > 0 || names.Count > 6 ? null : $"it takes {string.Join(", ", names)}";
                return takes is null ? $"{command.Name} does not take {token}{suggestion}; see {help}" : $"{command.Name} does not take {token} ({takes}; see {help})";
            }

            if (PreviousToken(result, token) is { Type: TokenType.Option } previous
                && command.Options.FirstOrDefault(o => o.Name == previous.Value || o.Aliases.Contains(previous.Value)) is { ValueType: var type } flag && type == typeof(bool))
            {
                return $"{flag.Name} is a switch and takes no value (got '{token}'); see {help}";
            }

            return $"{command.Name}: unexpected argument '{token}' (see {help})";
        }

        if (isRoot)
        {
            return $"no verb given; the verbs are {string.Join(", ", verbs)} (see {help})";
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
        var option = error.SymbolResult switch
        {
            OptionResult o => o,
            ArgumentResult { Parent: OptionResult o } => o,
            _ => null,
        };
        if (option is not null)
        {
            var name = option.IdentifierToken?.Value ?? option.Option.Name;
            if (option.Tokens.Count == 0)
            {
                return $"{name} needs a value (see {help})";
            }

            if (option.Tokens.Count > 1 && option.Option.Arity.MaximumNumberOfValues == 1)
            {
                return $"{name} was given {option.Tokens.Count} times; give it once (see {help})";
            }

            // The typed options without a parser of our own: paths and switches. Their conversion
            // errors name .NET types, so say what a good value looks like instead.
            var kind = option.Option.ValueType switch
            {
                var t when t == typeof(FileInfo) || t == typeof(FileInfo[]) => "a file path",
                var t when t == typeof(DirectoryInfo) || t == typeof(DirectoryInfo[]) => "a directory path",
                var t when t == typeof(bool) => "true or false",
                _ => null,
            };
            if (kind is not null)
            {
                return $"{name} '{option.Tokens[0].Value}' is not {kind} (see {help})";
            }
        }

        if (error.SymbolResult is ArgumentResult { Parent: CommandResult } argument && argument.Argument.ValueType == typeof(DirectoryInfo) && argument.Tokens.Count > 0)
        {
            return $"{argument.Argument.Name} '{argument.Tokens[0].Value}' is not a directory path (see {help})";
        }

        return $"{error.Message.TrimEnd('.')} (see {help})";
    }

    private static Token? PreviousToken(ParseResult result, string token)
    {
        var tokens = result.Tokens;
        for (var i = 1; i < tokens.Count; i++)
        {
            if (tokens[i].Value == token)
            {
                return tokens[i - 1];
            }
        }

        return null;
    }

    /// <summary>" (did you mean X?)" for the closest name within two edits, else empty.</summary>
    private static string Suggest(string typed, IEnumerable<string> names)
    {
        var best = names.Select(n => (Name: n, Distance: Distance(typed, n))).Where(c => c.Distance <= 2).OrderBy(c => c.Distance).FirstOrDefault();
        return best.Name is null ? string.Empty : $" (did you mean {best.Name}?)";
    }

    /// <summary>Levenshtein distance (a swap of two letters counts 2, still within reach of a suggestion).</summary>
    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
