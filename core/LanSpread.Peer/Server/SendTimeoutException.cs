namespace LanSpread.Peer.Server;

/// <summary>A client took none of the bytes sent to it within the send timeout; its stream is dropped.</summary>
internal sealed class SendTimeoutException(string message) : Exception(message);
