using System.CommandLine;
using System.Security.Cryptography;
using LanSpread.Cli.Output;

namespace LanSpread.Cli.Commands;

/// <summary><c>lanspread manifest DIR</c>: <c>sha256  relative/path</c> lines of every file, sorted (sha256sum's format).</summary>
internal static class ManifestCommand
{
    public static Command Create()
    {
        var directory = new Argument<DirectoryInfo>("DIR") { Description = "The tree to hash" };
        var command = new Command("manifest", "Print the SHA-256 manifest of a tree") { directory };
        command.SetAction(async (result, cancellationToken) =>
        {
            var dir = result.GetValue(directory)!;
            if (!dir.Exists)
            {
                await Console.Error.WriteLineAsync($"lanspread: '{dir.FullName}' is not a directory");
                return ExitCodes.Usage;
            }

            foreach (var line in await ComputeAsync(dir.FullName, cancellationToken))
            {
                Console.Out.WriteLine(line);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    public static async Task<IReadOnlyList<string>> ComputeAsync(string root, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        var files = Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(f => (Full: f, Relative: Path.GetRelativePath(root, f).Replace(Path.DirectorySeparatorChar, '/')))
            .OrderBy(f => f.Relative, StringComparer.Ordinal);
        foreach (var (full, relative) in files)
        {
            await using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
            var hash = await SHA256.HashDataAsync(stream, cancellationToken);
            lines.Add($"{Convert.ToHexStringLower(hash)}  {relative}");
        }

        return lines;
    }
}
