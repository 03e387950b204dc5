namespace LanSpread.TestKit;

/// <summary>Paths of the repository and of the shared fixtures beside it.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    /// <summary>The shared RAR fixtures (<c>../shared/fixtures/rar</c> beside the clone).</summary>
    public static string RarFixtures => Path.GetFullPath(Path.Combine(Root, "..", "shared", "fixtures", "rar"));

    /// <summary>The test's own output directory, where the plugins folder and lanspread.dll are.</summary>
    public static string Output => AppContext.BaseDirectory;

    /// <summary>Debug or Release: the configuration the tests were built in (…/bin/&lt;Configuration&gt;/net10.0/).</summary>
    public static string Configuration => new DirectoryInfo(Output.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    /// <summary>The CLI from its own build output (its runtimeconfig and plugins folder are there).</summary>
    public static string CliDll => Path.Combine(Root, "hosts", "LanSpread.Cli", "bin", Configuration, "net10.0", "lanspread.dll");

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "LanSpread.Modular.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("LanSpread.Modular.sln not found above the test output");
    }
}
