namespace LanSpread.TestKit;

/// <summary>Paths inside the repository (tests never look beside the clone: a user's clone has nothing there).</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    /// <summary>The real RAR archives and their expected manifests (<c>tests/fixtures/rar</c>, with their licence).</summary>
    public static string RarFixtures => Path.Combine(Root, "tests", "fixtures", "rar");

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
