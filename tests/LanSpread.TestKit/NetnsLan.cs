using System.Diagnostics;

namespace LanSpread.TestKit;

/// <summary>
/// A virtual LAN made of network namespaces: one "switch" namespace holding a bridge, and one namespace
/// per host joined to it by a veth pair, addressed 10.77.N.x/24 (a private test subnet used only inside
/// these namespaces). Multicast crosses the bridge, so mDNS works as on a real LAN. Everything is
/// deleted on dispose, also when a test fails, and stale namespaces of earlier crashed runs are swept
/// on creation. Needs root (CI runs as root).
/// </summary>
public sealed class NetnsLan : IDisposable
{
    private const string Prefix = "lst";
    private static int _next;

    private readonly List<string> _namespaces = [];
    private readonly Dictionary<string, string> _addresses = [];
    private readonly List<CliProcess> _processes = [];
    private readonly string _id;
    private readonly int _subnet;

    public NetnsLan()
    {
        SweepStale();
        var n = Interlocked.Increment(ref _next);
        _subnet = (Environment.ProcessId + n * 7) % 200 + 20;
        _id = $"{Prefix}{Environment.ProcessId}x{n}";
        Switch = $"{_id}-sw";
        Ip("netns", "add", Switch);
        _namespaces.Add(Switch);
        Exec(Switch, "ip", "link", "add", "br0", "type", "bridge");
        Exec(Switch, "ip", "link", "set", "br0", "up");
        Exec(Switch, "ip", "link", "set", "lo", "up");
    }

    public string Switch { get; }

    /// <summary>Adds a host; returns its namespace name.</summary>
    public string AddHost(string name)
    {
        var index = _addresses.Count + 2;
        var ns = $"{_id}-{name}";
        var outer = $"v{_id[3..]}{index}";
        Ip("netns", "add", ns);
        _namespaces.Add(ns);
        Ip("link", "add", outer, "type", "veth", "peer", "name", $"{outer}h");
        Ip("link", "set", $"{outer}h", "netns", ns);
        Ip("link", "set", outer, "netns", Switch);
        Exec(Switch, "ip", "link", "set", outer, "master", "br0");
        Exec(Switch, "ip", "link", "set", outer, "up");
        Exec(ns, "ip", "link", "set", $"{outer}h", "name", "eth0");
        Exec(ns, "ip", "link", "set", "lo", "up");
        Exec(ns, "ip", "addr", "add", $"10.77.{_subnet}.{index}/24", "dev", "eth0");
        Exec(ns, "ip", "link", "set", "eth0", "up", "multicast", "on");
        Exec(ns, "ip", "route", "add", "224.0.0.0/4", "dev", "eth0");
        _addresses[name] = $"10.77.{_subnet}.{index}";
        return ns;
    }

    public string Namespace(string host) => $"{_id}-{host}";

    public string Address(string host) => _addresses[host];

    /// <summary>Starts <c>lanspread ARGS</c> inside a host's namespace (<paramref name="cliDll"/>: another build of it, e.g. a published one).</summary>
    public CliProcess Run(string host, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, string? cliDll = null)
    {
        var process = CliProcess.Start(args, environment, wrapper: "ip", wrapperArgs: ["netns", "exec", Namespace(host)], cliDll: cliDll);
        lock (_processes)
        {
            _processes.Add(process);
        }

        return process;
    }

    /// <summary>Starts any program inside a host's namespace.</summary>
    public Process RunRaw(string host, string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "netns", "exec", Namespace(host), file }.Concat(args))
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        return Process.Start(info)!;
    }

    public void Dispose()
    {
        lock (_processes)
        {
            foreach (var process in _processes)
            {
                process.Dispose();
            }
        }

        foreach (var ns in _namespaces.AsEnumerable().Reverse())
        {
            TryIp("netns", "pids", ns, out var pids);
            foreach (var pid in pids.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                TryRun("kill", ["-9", pid.Trim()], out _);
            }

            TryIp("netns", "del", ns, out _);
        }
    }

    public static void Exec(string ns, string file, params string[] args) => Ip(["netns", "exec", ns, file, .. args]);

    private static void Ip(params string[] args)
    {
        if (!TryRun("ip", args, out var output))
        {
            throw new InvalidOperationException($"ip {string.Join(' ', args)} failed: {output}");
        }
    }

    private static bool TryIp(string a, string b, string c, out string output) => TryRun("ip", [a, b, c], out output);

    private static bool TryRun(string file, string[] args, out string output)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0;
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void SweepStale()
    {
        if (!TryRun("ip", ["netns", "list"], out var list))
        {
            return;
        }

        foreach (var line in list.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = line.Split(' ')[0];
            if (!name.StartsWith(Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            // Names carry the creating test process's pid: only namespaces of test processes that are
            // gone are stale (a live one, this process included, may be mid-test in another fixture).
            var digits = new string(name[Prefix.Length..].TakeWhile(char.IsAsciiDigit).ToArray());
            if (int.TryParse(digits, out var owner) && IsAlive(owner))
            {
                continue;
            }

            TryRun("ip", ["netns", "pids", name], out var pids);
            foreach (var pid in pids.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                TryRun("kill", ["-9", pid.Trim()], out _);
            }

            TryRun("ip", ["netns", "del", name], out _);
        }
    }
}
