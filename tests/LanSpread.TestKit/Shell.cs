using System.Diagnostics;

namespace LanSpread.TestKit;

public static class Shell
{
    /// <summary>Runs a program to completion and throws when it fails (mount, umount, …).</summary>
    public static void Run(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {process.ExitCode}: {error}");
        }
    }
}
