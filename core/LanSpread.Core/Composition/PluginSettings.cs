using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace LanSpread.Core.Composition;

/// <summary>
/// Host-provided settings that parts import in their constructor to fill their options type, e.g.
/// <c>tls.connectionsPerPeer=4</c>. Keys are <c>section.name</c>, case-insensitive. The host layers them
/// (a settings file, then the environment, then <c>--set</c>) into one <see cref="IConfiguration"/>;
/// <see cref="Bind{T}"/> fills an options type whose property initialisers are the only defaults. Every key
/// a part reads (bound or asked for) becomes known, so the host can refuse a key no part knows and list
/// the known ones (<see cref="UnknownKeys"/>).
/// </summary>
public sealed class PluginSettings
{
    private readonly IConfiguration _configuration;
    private readonly ConcurrentDictionary<string, string> _known = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<string> _errors = new();

    /// <summary>Creates the settings from <c>section.name</c> key/value pairs.</summary>
    /// <param name="values">The pairs.</param>
    public PluginSettings(IEnumerable<KeyValuePair<string, string>> values)
        : this(FromPairs(values))
    {
    }

    /// <summary>Creates the settings from a configuration (keys <c>section:name</c>, as configuration spells them).</summary>
    /// <param name="configuration">The layered configuration.</param>
    public PluginSettings(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        _configuration = configuration;
    }

    /// <summary>No settings.</summary>
    public static PluginSettings Empty { get; } = new([]);

    /// <summary>Every key given, as <c>section.name</c>.</summary>
    public IReadOnlyList<string> Keys =>
        _configuration.AsEnumerable().Where(kv => kv.Value is not null).Select(kv => kv.Key.Replace(':', '.')).Order(StringComparer.OrdinalIgnoreCase).ToList();

    /// <summary>Every key a part has read or bound so far, as <c>section.name</c>.</summary>
    public IReadOnlyList<string> KnownKeys => _known.Values.Order(StringComparer.OrdinalIgnoreCase).ToList();

    /// <summary>
    /// The bad values parts met while reading. A bad value does not fail the part (it gets the default);
    /// the host refuses to run with any (PluginConfiguration.Check), so the user sees one clear error.
    /// </summary>
    public IReadOnlyList<string> Errors => _errors.ToList();

    /// <summary>The keys given that no part has read or bound (call once every part is composed).</summary>
    public IReadOnlyList<string> UnknownKeys =>
        Keys.Where(k => !_known.ContainsKey(k) && !_known.Keys.Any(known => k.StartsWith(known + ".", StringComparison.OrdinalIgnoreCase))).ToList(); // list items: rar.archivePatterns.0

    /// <summary>
    /// A new <typeparamref name="T"/> (its initialisers are the defaults) with every <c>section.property</c>
    /// setting applied; every public settable property becomes a known key. A value that does not convert
    /// is recorded in <see cref="Errors"/> (naming the key) and the defaults are returned.
    /// </summary>
    /// <typeparam name="T">The options type.</typeparam>
    /// <param name="section">The section, e.g. <c>tls</c>.</param>
    public T Bind<T>(string section)
        where T : class, new()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(section);
        foreach (var property in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.SetMethod!.IsPublic))
        {
            Know($"{section}.{char.ToLowerInvariant(property.Name[0])}{property.Name[1..]}");
        }

        var options = new T();
        try
        {
            _configuration.GetSection(section).Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            var bad = _configuration.GetSection(section).AsEnumerable(makePathsRelative: true)
                .FirstOrDefault(kv => kv.Value is not null && ex.Message.Contains($"'{section}:{kv.Key}'", StringComparison.OrdinalIgnoreCase));
            Error(bad.Key is null
                ? $"settings '{section}.*': {ex.Message}"
                : $"setting '{section}.{bad.Key}': '{bad.Value}' is not a valid {TypeName(typeof(T), bad.Key)}");
            return new T();
        }

        return options;
    }

    /// <summary>A string setting, or <paramref name="fallback"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="fallback">The default.</param>
    public string GetString(string key, string fallback)
    {
        ArgumentNullException.ThrowIfNull(key);
        Know(key);
        return _configuration[key.Replace('.', ':')] ?? fallback;
    }

    /// <summary>An integer setting, or <paramref name="fallback"/> (also for a value that is not an integer, recorded in <see cref="Errors"/>).</summary>
    /// <param name="key">The key.</param>
    /// <param name="fallback">The default.</param>
    public int GetInt32(string key, int fallback)
    {
        ArgumentNullException.ThrowIfNull(key);
        Know(key);
        var text = _configuration[key.Replace('.', ':')];
        return text is null
            ? fallback
            : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
                ? value
                : Error($"setting '{key}' must be an integer, not '{text}'", fallback);
    }

    /// <summary>
    /// Records a value a part cannot use (out of range, say) in <see cref="Errors"/>, so the host refuses
    /// to run and names the key, as for a value that does not convert. The part keeps its default.
    /// </summary>
    /// <param name="key">The key, as <c>section.name</c>.</param>
    /// <param name="problem">What is wrong and what is allowed, e.g. "must be at least 1".</param>
    public void Reject(string key, string problem)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(problem);
        Error($"setting '{key}': {problem}");
    }

    private static IConfiguration FromPairs(IEnumerable<KeyValuePair<string, string>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(kv => new KeyValuePair<string, string?>(kv.Key.Replace('.', ':'), kv.Value)))
            .Build();
    }

    private static string TypeName(Type options, string property) =>
        options.GetProperty(property, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)?.PropertyType switch
        {
            { } t when t == typeof(int) || t == typeof(long) => "whole number",
            { } t when t == typeof(bool) => "true or false",
            { } t when t == typeof(TimeSpan) => "duration (hh:mm:ss)",
            { } t => t.Name,
            null => "value",
        };

    private void Error(string message) => _errors.Enqueue(message);

    private int Error(string message, int fallback)
    {
        _errors.Enqueue(message);
        return fallback;
    }

    private void Know(string key) => _known.TryAdd(key, key);
}
