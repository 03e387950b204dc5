using System.Diagnostics;
using System.Globalization;
using System.Text;
using LanSpread.TestKit;

namespace LanSpread.Gui.Tests;

/// <summary>The real GUI host, run from its own build output (where its static web assets resolve), with its output kept.</summary>
internal sealed class GuiProcess : IDisposable
{
    private readonly StringBuilder _output = new();

    private GuiProcess(Process process) => Process = process;

    public Process Process { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static GuiProcess Start(IEnumerable<string> args)
    {
        var directory = Path.Combine(Repo.Root, "hosts", "LanSpread.Gui", "bin", Repo.Configuration, "net10.0");
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(directory, "LanSpread.Gui.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var gui = new GuiProcess(Process.Start(info)!);
        gui.Process.OutputDataReceived += (_, e) => gui.Append(e.Data);
        gui.Process.ErrorDataReceived += (_, e) => gui.Append(e.Data);
        gui.Process.BeginOutputReadLine();
        gui.Process.BeginErrorReadLine();
        return gui;
    }

    public async Task WaitUntilUpAsync(string url, TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Process.HasExited)
            {
                throw new InvalidOperationException($"the GUI exited with {Process.ExitCode}:\n{Output}");
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

        throw new TimeoutException($"the GUI did not answer on {url}:\n{Output}");
    }

    public void Signal(string signal)
    {
        if (!Process.HasExited)
        {
            Shell.Run("kill", $"-{signal}", Process.Id.ToString(CultureInfo.InvariantCulture));
        }
    }

    public void Dispose()
    {
        try
        {
            Process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }

        Process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
