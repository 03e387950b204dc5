namespace LanSpread.Peer.Protocol;

/// <summary>A protocol-level failure with its error code (sent to the client, or received from a server).</summary>
public sealed class ProtocolException : Exception
{
    public ProtocolException(string code, string message, Exception? inner = null)
        : base(message, inner) => Code = code;

    public string Code { get; }
}
