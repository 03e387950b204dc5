using System.Diagnostics;
using System.Text;

namespace LanSpread.TestKit;

/// <summary>Runs the real <c>lanspread</c> executable (from the test output) as a child process.</summary>
public sealed class CliProcess : IDisposable
{
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTime> _lineTimes = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private CliProcess(Process process) => Process = process;

    public Process Process { get; }

    public string Stdout
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public event Action<string>? Line;

    // cliDll: another lanspread.dll than the repository's build (a copy of the host with extra plugins).
    public static CliProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, string? wrapper = null, IEnumerable<string>? wrapperArgs = null, string? cliDll = null)
    {
        var info = new ProcessStartInfo(wrapper ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in wrapperArgs ?? [])
        {
            info.ArgumentList.Add(arg);
        }

        if (wrapper is not null)
        {
            info.ArgumentList.Add("dotnet");
        }

        info.ArgumentList.Add(cliDll ?? Repo.CliDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var cli = new CliProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (cli._stdout)
            {
                cli._stdout.AppendLine(e.Data);
                cli._lineTimes.TryAdd(e.Data, DateTime.UtcNow);
            }

            cli.Line?.Invoke(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (cli._stderr)
                {
                    cli._stderr.AppendLine(e.Data);
                }
            }
        };
        process.Exited += (_, _) => cli._exited.TrySetResult();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return cli;
    }

    public static async Task<CliProcess> RunAsync(IEnumerable<string> args, TimeSpan? timeout = null, IReadOnlyDictionary<string, string>? environment = null, string? cliDll = null)
    {
        var cli = Start(args, environment, cliDll: cliDll);
        await cli.WaitForExitAsync(timeout ?? TimeSpan.FromMinutes(2));
        return cli;
    }

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        if (await Task.WhenAny(_exited.Task, Task.Delay(timeout)) != _exited.Task)
        {
            Kill();
            throw new TimeoutException($"lanspread did not exit within {timeout.TotalSeconds:0}s\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
        }

        Process.WaitForExit(); // flush the output readers
    }

    public int ExitCode => Process.ExitCode;

    /// <summary>Waits until stderr contains <paramref name="text"/> (e.g. the "serving" log line); throws if the process exits first.</summary>
    public async Task WaitForStderrAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Stderr.Contains(text, StringComparison.Ordinal))
        {
            if (Process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"lanspread never logged '{text}' ({string.Join(' ', Process.StartInfo.ArgumentList)}):\n{Stderr}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Waits for the "serving … on ADDRESS:PORT over …" log line of a peer started with <c>--listen ADDRESS:0</c>
    /// and returns the port it bound. Binding port 0 is race-free; a port picked free beforehand can be
    /// taken by another process (other tests, other builds) before the peer binds it.
    /// </summary>
    public async Task<int> WaitForListenPortAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var match = System.Text.RegularExpressions.Regex.Match(Stderr, @" serving .+ on \S*:(\d+) over ");
            if (match.Success)
            {
                return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            }

            if (Process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"lanspread never logged the port it serves on ({string.Join(' ', Process.StartInfo.ArgumentList)}):\n{Stderr}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Waits for a stdout line matching <paramref name="match"/>; returns it with the time it was seen.</summary>
    public async Task<(string Line, DateTime At)> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, int skip = 0)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var found = Stdout.Split('\n').Where(l => match(l)).Skip(skip).FirstOrDefault();
            if (found is not null)
            {
                return (found, _lineTimes.GetValueOrDefault(found, DateTime.UtcNow));
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"no matching line within {timeout.TotalSeconds:0}s\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
    }

    public void Kill()
    {
        try
        {
            Process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
    }

    /// <summary>Sends SIGTERM (a clean stop request).</summary>
    public void Terminate()
    {
        if (!Process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
        }
    }

    public void Dispose()
    {
        Kill();
        Process.Dispose();
    }
}
