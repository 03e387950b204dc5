using System.Text.Json;
using System.Text.Json.Serialization;
using LanSpread.Peer.FileSystem;

namespace LanSpread.Peer.Installing;

/// <summary>The intent log <c>.lanspread.json</c>: which operation runs in a root and how far it got.</summary>
internal sealed record InstallIntent(
    [property: JsonPropertyName("operation")] string Operation,
    [property: JsonPropertyName("phase")] string Phase,
    [property: JsonPropertyName("startedUtc")] DateTimeOffset StartedUtc)
{
    public const string Install = "install";
    public const string Update = "update";
    public const string Uninstall = "uninstall";

    public const string Staging = "staging";
    public const string Committing = "committing";
    public const string Swapping = "swapping";
    public const string Cleanup = "cleanup";
    public const string Moving = "moving";
    public const string Deleting = "deleting";

    public static string PathIn(string root) => System.IO.Path.Combine(root, GameRootLayout.IntentLog);

    /// <summary>Always replaced atomically (temp, flush, rename, directory flush).</summary>
    public void Write(string root) => AtomicFile.WriteAllBytes(PathIn(root), JsonSerializer.SerializeToUtf8Bytes(this, InstallIntentJsonContext.Default.InstallIntent));

    public static InstallIntent? Read(string root, out string? problem)
    {
        problem = null;
        var path = PathIn(root);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var intent = JsonSerializer.Deserialize(File.ReadAllBytes(path), InstallIntentJsonContext.Default.InstallIntent);
            if (intent?.Operation is null || intent.Phase is null)
            {
                problem = "intent log without operation or phase";
                return null;
            }

            return intent;
        }
        catch (Exception ex) when (ex is JsonException or IOException)
        {
            problem = $"unreadable intent log ({ex.Message})";
            return null;
        }
    }

    public static void Clear(string root)
    {
        File.Delete(PathIn(root));
        AtomicFile.FlushDirectory(root);
    }
}
