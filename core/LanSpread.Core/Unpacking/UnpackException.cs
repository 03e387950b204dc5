namespace LanSpread.Core.Unpacking;

/// <summary>An archive could not be unpacked: encrypted, corrupt, hostile entry paths, or an I/O failure.</summary>
public sealed class UnpackException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="archive">The archive at fault.</param>
    /// <param name="problem">What is wrong with it.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public UnpackException(string archive, string problem, Exception? inner = null)
        : base($"{Path.GetFileName(archive)}: {problem}", inner)
    {
        Archive = archive;
        Problem = problem;
    }

    /// <summary>The archive at fault.</summary>
    public string Archive { get; }

    /// <summary>What is wrong with it.</summary>
    public string Problem { get; }
}
