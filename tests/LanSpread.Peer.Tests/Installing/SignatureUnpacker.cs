using LanSpread.Core.Unpacking;

namespace LanSpread.Peer.Tests.Installing;

/// <summary>A <see cref="PatternUnpacker"/> that also claims archives by their first bytes.</summary>
internal sealed class SignatureUnpacker(string name, string pattern, byte[] magic) : PatternUnpacker(name, pattern), IArchiveSignature
{
    public int SignatureLength => magic.Length;

    public bool Claims(ReadOnlySpan<byte> head) => head.StartsWith(magic);
}
