namespace LanSpread.Core;

/// <summary>
/// The version of the plugin contracts in this assembly. A plugin declares the contract version it was
/// built against in its manifest; the host loads it when the major versions are equal and the plugin's
/// minor version is not newer than the host's.
/// </summary>
/// <remarks>
/// One source: <c>LanSpreadContractVersion</c> in the repository's Directory.Build.props. It becomes this
/// assembly's version (major.minor), which is read here, and the <c>contractVersion</c> of every plugin
/// manifest, in the tree and out of it (the plugin SDK reads it from the LanSpread.Core.dll it builds against).
/// </remarks>
public static class ContractVersion
{
    /// <summary>The contract version implemented by this build of <c>LanSpread.Core</c>.</summary>
    public static Version Current { get; } = FromAssembly();

    /// <summary>Whether a plugin built against <paramref name="target"/> can run on this host.</summary>
    /// <param name="target">The contract version the plugin targets.</param>
    public static bool IsCompatible(Version target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return target.Major == Current.Major && target.Minor <= Current.Minor;
    }

    private static Version FromAssembly()
    {
        var version = typeof(ContractVersion).Assembly.GetName().Version ?? throw new InvalidOperationException("LanSpread.Core has no assembly version");
        return new Version(version.Major, version.Minor);
    }
}
