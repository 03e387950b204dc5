namespace LanSpread.Peer.Library;

/// <summary>A catalog file is missing or invalid; the message says where and what.</summary>
public sealed class CatalogException(string message) : Exception(message);
