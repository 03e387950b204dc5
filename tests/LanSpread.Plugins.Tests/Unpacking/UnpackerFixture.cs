using LanSpread.Core.Composition;
using LanSpread.Core.Unpacking;
using LanSpread.Peer.Composition;
using LanSpread.Peer.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace LanSpread.Plugins.Tests.Unpacking;

/// <summary>The Unpack.Rar plugin as hosts load it, with and without the stored fast path.</summary>
public sealed class UnpackerFixture : IDisposable
{
    private readonly PluginCatalog _catalog = PeerHost.LoadPlugins([], NullLoggerFactory.Instance);
    private readonly PluginCatalog _general = PeerHost.LoadPlugins([], NullLoggerFactory.Instance, new Dictionary<string, string> { ["rar.useStoredFastPath"] = "false" });

    public IUnpacker Rar => _catalog.Select<IUnpacker>(PluginKind.Unpacker, "rar");

    /// <summary>The same plugin with the stored-RAR5 fast path off (SharpCompress for everything).</summary>
    public IUnpacker RarGeneral => _general.Select<IUnpacker>(PluginKind.Unpacker, "rar");

    public void Dispose()
    {
        _catalog.Dispose();
        _general.Dispose();
    }
}
