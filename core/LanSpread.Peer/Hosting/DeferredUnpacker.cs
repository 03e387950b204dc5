using LanSpread.Core.Unpacking;

namespace LanSpread.Peer.Hosting;

/// <summary>
/// The unpacker a host selects, resolved on first use: a peer that only serves or downloads
/// (`get --no-install`) never loads the unpacker plugin (and SharpCompress) at start-up.
/// </summary>
internal sealed class DeferredUnpacker(Func<IUnpacker> select) : IUnpacker
{
    private readonly Lazy<IUnpacker> _inner = new(select, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The selected unpacker (loaded now if it was not yet).</summary>
    public IUnpacker Inner => _inner.Value;

    public string Name => _inner.Value.Name;

    public IReadOnlyList<string> FindArchives(string gameRoot) => _inner.Value.FindArchives(gameRoot);

    public Task UnpackAsync(UnpackRequest request, IProgress<UnpackProgress>? progress, CancellationToken cancellationToken) =>
        _inner.Value.UnpackAsync(request, progress, cancellationToken);
}
