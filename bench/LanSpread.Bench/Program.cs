using System.Globalization;
using LanSpread.Bench;
using LanSpread.Cli.Demo;

// make-game GAMES_DIR ID SIZE_MB FILES: a game root GAMES_DIR/ID with ID.eti (stored RAR5 of FILES
// files totalling SIZE_MB MiB of incompressible data, streamed, never held in memory) and version.ini.
if (args.Length != 5 || args[0] != "make-game")
{
    Console.Error.WriteLine("usage: LanSpread.Bench make-game GAMES_DIR ID SIZE_MB FILES");
    return 2;
}

var root = Path.Combine(args[1], args[2]);
var total = long.Parse(args[3], CultureInfo.InvariantCulture) * 1024 * 1024;
var files = int.Parse(args[4], CultureInfo.InvariantCulture);
Directory.CreateDirectory(root);
using (var writer = new StoredRar5Writer(Path.Combine(root, args[2] + ".eti")))
{
    var each = total / files;
    for (var i = 0; i < files; i++)
    {
        var size = i == files - 1 ? total - each * (files - 1) : each;
        using var content = new RandomStream(size, i);
        writer.AddFile($"data/{i / 100:D3}/file{i:D5}.bin", content, size);
    }
}

File.WriteAllText(Path.Combine(root, "version.ini"), "1\n");
Console.WriteLine(root);
return 0;
