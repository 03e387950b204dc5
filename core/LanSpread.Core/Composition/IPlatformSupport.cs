namespace LanSpread.Core.Composition;

/// <summary>
/// Optional capability of a plugin part: whether it can run on this platform. The catalog lists a part
/// that reports false as NotSupported with <see cref="NotSupportedReason"/> and never selects it.
/// </summary>
public interface IPlatformSupport
{
    /// <summary>Whether the part works here.</summary>
    bool IsSupported { get; }

    /// <summary>Why not, in words a user can act on; null when supported.</summary>
    string? NotSupportedReason { get; }
}
