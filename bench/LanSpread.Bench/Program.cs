using System.Globalization;
using LanSpread.Bench;
using LanSpread.Cli.Demo;

// make-game GAMES_DIR ID SIZE_MB FILES [--plain]: a game root GAMES_DIR/ID with ID.eti (stored RAR5 of
// FILES files totalling SIZE_MB MiB of incompressible data, streamed, never held in memory) and
// version.ini. The archive has WinRAR's layout (a directory entry before each directory's files, times
// and Unix owner records); --plain writes file entries only, the minimal layout.
// unpack-loop ARCHIVE_DIR RUNS: times the Unpack.Rar plugin over every *.rar there (see UnpackLoop).
if (args is ["unpack-loop", var fixtureDir, var runs])
{
    return UnpackLoop.Run(fixtureDir, int.Parse(runs, CultureInfo.InvariantCulture));
}

if (args.Length is not (5 or 6) || args[0] != "make-game" || (args.Length == 6 && args[5] != "--plain"))
{
    Console.Error.WriteLine("usage: LanSpread.Bench make-game GAMES_DIR ID SIZE_MB FILES [--plain] | unpack-loop ARCHIVE_DIR RUNS");
    return 2;
}

var winRar = args.Length == 5;
var root = Path.Combine(args[1], args[2]);
var total = long.Parse(args[3], CultureInfo.InvariantCulture) * 1024 * 1024;
var files = int.Parse(args[4], CultureInfo.InvariantCulture);
Directory.CreateDirectory(root);
using (var writer = new StoredRar5Writer(Path.Combine(root, args[2] + ".eti"), winRarFields: winRar))
{
    var each = total / files;
    string? directory = null;
    for (var i = 0; i < files; i++)
    {
        var current = $"data/{i / 100:D3}";
        if (winRar && current != directory)
        {
            if (directory is null)
            {
                writer.AddDirectory("data");
            }

            writer.AddDirectory(current);
            directory = current;
        }

        var size = i == files - 1 ? total - each * (files - 1) : each;
        using var content = new RandomStream(size, i);
        writer.AddFile($"{current}/file{i:D5}.bin", content, size);
    }
}

File.WriteAllText(Path.Combine(root, "version.ini"), "1\n");
Console.WriteLine(root);
return 0;
