using LanSpread.Core.Unpacking;

namespace LanSpread.Peer.Tests.Installing;

/// <summary>An unpacker that finds files by pattern and records what it was asked to unpack.</summary>
internal class PatternUnpacker(string name, string pattern) : IUnpacker
{
    public string Name => name;

    public List<string> Unpacked { get; } = [];

    public IReadOnlyList<string> FindArchives(string gameRoot) => Directory.GetFiles(gameRoot, pattern).Order(StringComparer.Ordinal).ToList();

    public Task UnpackAsync(UnpackRequest request, IProgress<UnpackProgress>? progress, CancellationToken cancellationToken)
    {
        Unpacked.Add(Path.GetFileName(request.Archives[0]));
        return Task.CompletedTask;
    }
}
