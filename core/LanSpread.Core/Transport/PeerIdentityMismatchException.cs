using LanSpread.Core.Model;

namespace LanSpread.Core.Transport;

/// <summary>The certificate a peer presented does not hash to the id it advertised.</summary>
public sealed class PeerIdentityMismatchException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="expected">The advertised id.</param>
    /// <param name="actual">The id of the presented certificate.</param>
    public PeerIdentityMismatchException(PeerId expected, PeerId actual)
        : base($"peer identity mismatch: expected {expected.Abbreviated}…, the certificate presented is {actual.Abbreviated}…")
    {
        Expected = expected;
        Actual = actual;
    }

    /// <summary>The advertised id.</summary>
    public PeerId Expected { get; }

    /// <summary>The id of the presented certificate.</summary>
    public PeerId Actual { get; }
}
