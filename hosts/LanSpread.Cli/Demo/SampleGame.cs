using System.Text;
using LanSpread.Hosting.Archives;

namespace LanSpread.Cli.Demo;

/// <summary>Makes a sample game root: a RAR archive of a small game tree, a readme and the sentinel.</summary>
internal static class SampleGame
{
    /// <summary>Creates the root and returns the directory holding the original (unpacked) files.</summary>
    public static string Create(string gameRoot, long size, string version)
    {
        var source = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(gameRoot)!)!, "sample-source");
        Directory.CreateDirectory(Path.Combine(source, "data"));
        Directory.CreateDirectory(Path.Combine(source, "maps"));
        var random = new Random(20261125);
        File.WriteAllText(Path.Combine(source, "game.exe"), "MZ sample game executable\n");
        File.WriteAllText(Path.Combine(source, "config.cfg"), "fullscreen=1\nplayers=8\n");
        var remaining = Math.Max(0, size - 64);
        var index = 0;
        while (remaining > 0)
        {
            var chunk = Math.Min(remaining, 8L * 1024 * 1024);
            var buffer = new byte[chunk];
            random.NextBytes(buffer);
            File.WriteAllBytes(Path.Combine(source, index % 2 == 0 ? "data" : "maps", $"pack{index:D3}.bin"), buffer);
            remaining -= chunk;
            index++;
        }

        Directory.CreateDirectory(gameRoot);
        using (var writer = new StoredRar5Writer(Path.Combine(gameRoot, Path.GetFileName(gameRoot) + ".eti")))
        {
            foreach (var directory in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                writer.AddDirectory(Path.GetRelativePath(source, directory).Replace('\\', '/'));
            }

            foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                using var stream = File.OpenRead(file);
                writer.AddFile(Path.GetRelativePath(source, file).Replace('\\', '/'), stream, stream.Length);
            }
        }

        File.WriteAllText(Path.Combine(gameRoot, "readme.txt"), "A sample game made by lanspread demo.\n", Encoding.UTF8);
        File.WriteAllText(Path.Combine(gameRoot, "version.ini"), version + "\n");
        return source;
    }
}
