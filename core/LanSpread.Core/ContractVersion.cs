namespace LanSpread.Core;

/// <summary>
/// The version of the plugin contracts in this assembly. A plugin declares the contract version it was
/// built against in its manifest; the host loads it when the major versions are equal and the plugin's
/// minor version is not newer than the host's.
/// </summary>
public static class ContractVersion
{
    /// <summary>The contract version implemented by this build of <c>LanSpread.Core</c>.</summary>
    public static Version Current { get; } = new(1, 0);

    /// <summary>Whether a plugin built against <paramref name="target"/> can run on this host.</summary>
    /// <param name="target">The contract version the plugin targets.</param>
    public static bool IsCompatible(Version target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return target.Major == Current.Major && target.Minor <= Current.Minor;
    }
}
