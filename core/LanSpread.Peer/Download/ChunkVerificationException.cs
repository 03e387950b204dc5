namespace LanSpread.Peer.Download;

/// <summary>A chunk's bytes did not hash to the manifest's SHA-256: the peer that sent them is banned from the download.</summary>
public sealed class ChunkVerificationException(string message) : IOException(message);
