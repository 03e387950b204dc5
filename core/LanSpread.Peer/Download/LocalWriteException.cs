namespace LanSpread.Peer.Download;

/// <summary>Writing received bytes to the local disk failed (disk full, permissions): fatal for the download, not the peer's fault.</summary>
public sealed class LocalWriteException(string message, Exception inner) : IOException(message, inner);
