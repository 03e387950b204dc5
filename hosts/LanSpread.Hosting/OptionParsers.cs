using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace LanSpread.Hosting;

/// <summary>
/// Typed options whose parse errors speak the user's words ("--timeout 'abc' is not a number of
/// seconds") instead of naming .NET types, and that reject values the runtime would throw on.
/// </summary>
public static class OptionParsers
{
    private static readonly string[] LevelNames = ["trace", "debug", "information", "warning", "error", "critical", "none"];

    /// <summary>A number of seconds in (0, <paramref name="max"/>].</summary>
    public static Option<double> Seconds(string name, string description, double defaultValue, double max = 7 * 24 * 3600) => new(name)
    {
        HelpName = "SECONDS",
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => ParseSeconds(result, name, max) ?? defaultValue,
    };

    /// <summary>An optional number of seconds in (0, <paramref name="max"/>]; null when absent.</summary>
    public static Option<double?> OptionalSeconds(string name, string description, double max = 7 * 24 * 3600) => new(name)
    {
        HelpName = "SECONDS",
        Description = description,
        CustomParser = result => ParseSeconds(result, name, max),
    };

    /// <summary>A whole number in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Option<int> Count(string name, string description, int defaultValue, int min, int max) => new(name)
    {
        HelpName = "N",
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            if (result.Tokens.Count == 0)
            {
                return defaultValue;
            }

            var text = result.Tokens[0].Value;
            if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            {
                result.AddError($"{name} '{text}' must be a whole number from {min} to {max}");
                return defaultValue;
            }

            return value;
        },
    };

    /// <summary>--log-level by name, case-insensitive; "info" and "warn" as the log lines print them.</summary>
    public static Option<LogLevel> Level(LogLevel defaultValue) => new("--log-level")
    {
        HelpName = "LEVEL",
        Description = $"Log level on stderr: {string.Join(", ", LevelNames)} (default {defaultValue.ToString().ToLowerInvariant()}; debug adds stack traces to errors)",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            if (result.Tokens.Count == 0)
            {
                return defaultValue;
            }

            var text = result.Tokens[0].Value;
            if (TryParseLevel(text) is { } level)
            {
                return level;
            }

            result.AddError($"--log-level '{text}' must be one of: {string.Join(", ", LevelNames)}");
            return defaultValue;
        },
    };

    /// <summary>The level named by <paramref name="text"/>, or null.</summary>
    public static LogLevel? TryParseLevel(string text) => text.ToLowerInvariant() switch
    {
        "info" => LogLevel.Information,
        "warn" => LogLevel.Warning,
        "fail" => LogLevel.Error,
        var lower when LevelNames.Contains(lower) => Enum.Parse<LogLevel>(lower, ignoreCase: true),
        _ => null,
    };

    private static double? ParseSeconds(ArgumentResult result, string name, double max)
    {
        if (result.Tokens.Count == 0)
        {
            return null;
        }

        var text = result.Tokens[0].Value;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            result.AddError($"{name} '{text}' is not a number of seconds (e.g. 30 or 2.5)");
            return null;
        }

        if (value <= 0 || value > max)
        {
            result.AddError($"{name} {text} must be more than 0 and at most {max.ToString(CultureInfo.InvariantCulture)} seconds");
            return null;
        }

        return value;
    }
}
