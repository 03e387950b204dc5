using System.Diagnostics;
using System.Globalization;
using LanSpread.Bench;
using LanSpread.Hosting.Archives;
using LanSpread.Peer.Library;

// make-game GAMES_DIR ID SIZE_MB FILES [CHANGED VERSION] [--plain]: a game root GAMES_DIR/ID with ID.eti
// (stored RAR5 of FILES files totalling SIZE_MB MiB of incompressible data, streamed, never held in
// memory) and version.ini. The archive has WinRAR's layout (a directory entry before each directory's
// files, times and Unix owner records); --plain writes file entries only, the minimal layout. With
// CHANGED, file number CHANGED gets other content and 10% more bytes (an update that changed one file
// in the middle of the archive) and version.ini says VERSION.
// hash FILE [AVG_MIB]: content-defined chunking + SHA-256 of a file as the scanner does it; prints
// "bytes seconds chunks".
// unpack-loop ARCHIVE_DIR RUNS: times the Unpack.Rar plugin over every *.rar there (see UnpackLoop).
if (args.Length >= 2 && args[0] == "hash")
{
    var chunking = ContentChunking.FromAverage((args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 4) * 1024 * 1024);
    var stopwatch = Stopwatch.StartNew();
    var chunks = ContentChunker.ChunkFile(args[1], chunking);
    Console.WriteLine(FormattableString.Invariant($"{chunks.Sum(c => c.Length)} {stopwatch.Elapsed.TotalSeconds:0.000} {chunks.Count}"));
    return 0;
}

if (args is ["unpack-loop", var fixtureDir, var runs])
{
    return UnpackLoop.Run(fixtureDir, int.Parse(runs, CultureInfo.InvariantCulture));
}

var plain = args.Length > 0 && args[^1] == "--plain";
if (plain)
{
    args = args[..^1];
}

if (args.Length is not (5 or 7) || args[0] != "make-game")
{
    Console.Error.WriteLine("usage: LanSpread.Bench make-game GAMES_DIR ID SIZE_MB FILES [CHANGED VERSION] [--plain] | hash FILE [AVG_MIB] | unpack-loop ARCHIVE_DIR RUNS");
    return 2;
}

var winRar = !plain;
var root = Path.Combine(args[1], args[2]);
var total = long.Parse(args[3], CultureInfo.InvariantCulture) * 1024 * 1024;
var files = int.Parse(args[4], CultureInfo.InvariantCulture);
var changed = args.Length == 7 ? int.Parse(args[5], CultureInfo.InvariantCulture) : -1;
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
        if (i == changed)
        {
            size += size / 10;
        }

        using var content = new RandomStream(size, i == changed ? 1_000_003 + i : i);
        writer.AddFile($"{current}/file{i:D5}.bin", content, size);
    }
}

File.WriteAllText(Path.Combine(root, "version.ini"), (args.Length == 7 ? args[6] : "1") + "\n");
Console.WriteLine(root);
return 0;
