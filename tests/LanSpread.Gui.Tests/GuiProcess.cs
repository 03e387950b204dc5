using System.Diagnostics;
using LanSpread.TestKit;

namespace LanSpread.Gui.Tests;

/// <summary>Runs the real GUI host from its own build output (where its static web assets resolve).</summary>
internal static class GuiProcess
{
    public static Process Start(IEnumerable<string> args)
    {
        var directory = Path.Combine(Repo.Root, "hosts", "LanSpread.Gui", "bin", Repo.Configuration, "net10.0");
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(directory, "LanSpread.Gui.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public static async Task WaitUntilUpAsync(string url, Process process, TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"the GUI exited with {process.ExitCode}");
            }

            try
            {
                if ((await http.GetAsync(url)).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"the GUI did not answer on {url}");
    }
}
