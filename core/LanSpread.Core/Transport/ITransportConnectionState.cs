namespace LanSpread.Core.Transport;

/// <summary>
/// Optional for an <see cref="ITransportConnection"/>: what the transport knows about the link without a
/// round trip. The runtime uses it to ping only peers it has not heard from lately (traffic already
/// flowing proves liveness) and to notice at once a peer whose process went away (its connections were
/// closed), so idle liveness does not cost a ping per peer pair every interval.
/// </summary>
public interface ITransportConnectionState
{
    /// <summary>Time since an exchange on this link last completed cleanly, or null if none has.</summary>
    TimeSpan? SinceLastExchange { get; }

    /// <summary>
    /// True when a connection kept idle for this peer was closed or reset by the remote end (checked
    /// without sending anything; such connections are dropped). A hint worth a ping, not a verdict.
    /// </summary>
    /// <returns>Whether any idle connection was found closed by the remote end.</returns>
    bool CheckRemoteClosed();
}
