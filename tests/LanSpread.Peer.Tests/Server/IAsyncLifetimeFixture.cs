using Xunit;

namespace LanSpread.Peer.Tests.Server;

/// <summary>Marker for class fixtures with async set-up.</summary>
public interface IAsyncLifetimeFixture : IAsyncLifetime;
