using System.Diagnostics;
using LanSpread.Peer.Identity;
using LanSpread.TestKit;
using Xunit;
using Xunit.Abstractions;

namespace LanSpread.Cli.Tests.Lan;

/// <summary>
/// Interop with a real mDNS stack: Debian's avahi-daemon runs in a namespace host (with a private
/// D-Bus the test starts), avahi-browse must see our service with its TXT fields, and our browser
/// must find a peer that only avahi-publish advertises.
/// </summary>
public sealed class AvahiInteropTests(ITestOutputHelper output)
{
    [RootFact]
    public async Task Avahi_sees_our_service_and_we_see_a_service_avahi_publishes()
    {
        using var temp = new TempDir();
        using var lan = new NetnsLan();
        lan.AddHost("alpha");
        lan.AddHost("avahi");
        using var avahi = await AvahiHost.StartAsync(lan, "avahi", temp);

        var alphaData = temp.Sub("alpha-data");
        var alphaId = PeerIdentity.LoadOrCreate(alphaData).PeerId;
        var alpha = lan.Run("alpha", ["serve", "--games", temp.Sub("alpha-games"), "--data", alphaData, "--name", "alpha", "--set", "mdns.queryInterval=00:00:02"]);

        // 1. avahi-browse resolves our service and its TXT record.
        string browse = string.Empty;
        for (var attempt = 0; attempt < 10 && !browse.Contains(alphaId.Value, StringComparison.Ordinal); attempt++)
        {
            await Task.Delay(1000);
            browse = await avahi.RunAsync("avahi-browse", "-rpt", "_lanspread._tcp");
        }

        output.WriteLine(browse);
        var resolved = browse.Split('\n').FirstOrDefault(l => l.StartsWith('=') && l.Contains(alphaId.Value, StringComparison.Ordinal));
        Assert.NotNull(resolved);
        Assert.Contains("\"name=alpha\"", resolved, StringComparison.Ordinal);
        Assert.Contains("\"pv=1\"", resolved, StringComparison.Ordinal);
        Assert.Contains("\"tr=tls\"", resolved, StringComparison.Ordinal);
        Assert.Contains(";42420;", resolved, StringComparison.Ordinal);
        Assert.Contains(lan.Address("alpha"), resolved, StringComparison.Ordinal);

        // 2. A peer advertised only by avahi-publish (its own mDNS is off) is found by our browser.
        var hiddenData = temp.Sub("hidden-data");
        var hiddenId = PeerIdentity.LoadOrCreate(hiddenData).PeerId;
        using var hidden = lan.Run("avahi", ["serve", "--games", temp.Sub("hidden-games"), "--data", hiddenData, "--name", "behind-avahi", "--no-mdns", "--listen", "0.0.0.0:42421"]);
        using var publish = avahi.Start("avahi-publish", "-s", "published-by-avahi", "_lanspread._tcp", "42421", $"id={hiddenId.Value}", "name=behind-avahi", "pv=1", "tr=tls");
        var (line, _) = await alpha.WaitForLineAsync(l => l.Contains("\"PeerDiscovered\"", StringComparison.Ordinal) && l.Contains(hiddenId.Value, StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        Assert.Contains("behind-avahi", line, StringComparison.Ordinal);
        Assert.Contains(lan.Address("avahi"), line, StringComparison.Ordinal);
    }

    /// <summary>
    /// avahi announces a service a few times when it is published and then answers only queries that do
    /// not already list it (known-answer suppression, RFC 6762 §7.1): once our browser knows the record,
    /// avahi stays silent. A peer whose server was not listening yet when avahi announced it must still
    /// be joined once it listens, so our side dials again with back-off rather than waiting for a sighting
    /// that never comes. (The regression: with suppression on, the one refused dial was the only one.)
    /// </summary>
    [RootFact]
    public async Task A_peer_avahi_announced_before_it_listened_is_joined_once_it_listens()
    {
        using var temp = new TempDir();
        using var lan = new NetnsLan();
        lan.AddHost("alpha");
        lan.AddHost("avahi");
        using var avahi = await AvahiHost.StartAsync(lan, "avahi", temp);
        using var alpha = lan.Run("alpha", ["serve", "--games", temp.Sub("alpha-games"), "--data", temp.Sub("alpha-data"), "--name", "alpha", "--set", "mdns.queryInterval=00:00:02", "--log-level", "debug"]);
        await alpha.WaitForStderrAsync("serving", TimeSpan.FromSeconds(30));

        var hiddenData = temp.Sub("hidden-data");
        var hiddenId = PeerIdentity.LoadOrCreate(hiddenData).PeerId;
        using var publish = avahi.Start("avahi-publish", "-s", "published-by-avahi", "_lanspread._tcp", "42421", $"id={hiddenId.Value}", "name=behind-avahi", "pv=1", "tr=tls");

        // Nothing listens on 42421 yet. avahi's own announcements all fall within a few seconds, and
        // sightings within 5 s of each other are folded into one, so at most two dials come from them;
        // four refused dials prove that alpha keeps trying by itself.
        const string refused = "Could not reach behind-avahi";
        await Poll.UntilAsync(() => Count(alpha.Stderr, refused) >= 4, TimeSpan.FromSeconds(30), "four dials of the announced peer that does not listen yet");
        Assert.DoesNotContain("\"PeerDiscovered\"", alpha.Stdout, StringComparison.Ordinal);

        using var hidden = lan.Run("avahi", ["serve", "--games", temp.Sub("hidden-games"), "--data", hiddenData, "--name", "behind-avahi", "--no-mdns", "--listen", "0.0.0.0:42421"]);
        var (line, _) = await alpha.WaitForLineAsync(l => l.Contains("\"PeerDiscovered\"", StringComparison.Ordinal) && l.Contains(hiddenId.Value, StringComparison.Ordinal), TimeSpan.FromSeconds(45));
        Assert.Contains(lan.Address("avahi"), line, StringComparison.Ordinal);
    }

    private static int Count(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    /// <summary>dbus-daemon + avahi-daemon inside one namespace host, torn down on dispose.</summary>
    private sealed class AvahiHost : IDisposable
    {
        private readonly NetnsLan _lan;
        private readonly string _host;
        private readonly List<Process> _processes = [];
        private readonly Dictionary<string, string> _environment;

        private AvahiHost(NetnsLan lan, string host, string bus)
        {
            _lan = lan;
            _host = host;
            _environment = new Dictionary<string, string> { ["DBUS_SYSTEM_BUS_ADDRESS"] = $"unix:path={bus}" };
        }

        public static async Task<AvahiHost> StartAsync(NetnsLan lan, string host, TempDir temp)
        {
            var directory = temp.Sub("avahi");
            var bus = Path.Combine(directory, "bus");
            var busConfig = Path.Combine(directory, "bus.conf");
            File.WriteAllText(busConfig, $"""
                <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
                <busconfig>
                  <type>system</type>
                  <listen>unix:path={bus}</listen>
                  <auth>EXTERNAL</auth>
                  <policy context="default">
                    <allow user="*"/>
                    <allow own="*"/>
                    <allow send_destination="*"/>
                    <allow receive_sender="*"/>
                  </policy>
                </busconfig>
                """);
            var daemonConfig = Path.Combine(directory, "avahi-daemon.conf");
            File.WriteAllText(daemonConfig, """
                [server]
                host-name=lanspread-avahi-test
                use-ipv4=yes
                use-ipv6=no
                allow-interfaces=eth0
                enable-dbus=yes
                [wide-area]
                enable-wide-area=no
                [publish]
                publish-addresses=yes
                publish-workstation=no
                """);
            var avahi = new AvahiHost(lan, host, bus);
            avahi._processes.Add(lan.RunRaw(host, "dbus-daemon", ["--config-file", busConfig, "--nofork", "--nopidfile"]));
            for (var i = 0; i < 50 && !File.Exists(bus); i++)
            {
                await Task.Delay(100);
            }

            // avahi-daemon's pid file and socket live at a compiled-in path, /run/avahi-daemon/: give the test
            // daemon its own (a tmpfs in a private mount namespace), so it neither meets nor touches the
            // host's daemon or a stale pid file from a killed earlier run.
            var daemon = lan.RunRaw(host, "unshare", [
                "--mount", "--propagation", "private", "sh", "-c",
                "mkdir -p /run/avahi-daemon && mount -t tmpfs lanspread-avahi /run/avahi-daemon && exec avahi-daemon \"$@\"", "avahi-daemon",
                "-f", daemonConfig, "--no-drop-root", "--no-chroot", "--no-rlimits", "--no-proc-title",
            ], avahi._environment);
            avahi._processes.Add(daemon);
            for (var i = 0; i < 50; i++)
            {
                if (!daemon.HasExited && await avahi.IsUpAsync())
                {
                    return avahi;
                }

                await Task.Delay(200);
            }

            var error = daemon.HasExited ? await daemon.StandardError.ReadToEndAsync() : "still starting";
            avahi.Dispose();
            throw new InvalidOperationException($"avahi-daemon did not come up: {error}");
        }

        public Process Start(string file, params string[] args)
        {
            var process = _lan.RunRaw(_host, file, args, _environment);
            _processes.Add(process);
            return process;
        }

        public async Task<string> RunAsync(string file, params string[] args)
        {
            using var process = _lan.RunRaw(_host, file, args, _environment);
            var text = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            return text;
        }

        public void Dispose()
        {
            foreach (var process in _processes.AsEnumerable().Reverse())
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(5000);
                }
                catch (InvalidOperationException)
                {
                }

                process.Dispose();
            }
        }

        private async Task<bool> IsUpAsync()
        {
            using var process = _lan.RunRaw(_host, "avahi-browse", ["-at"], _environment);
            await process.WaitForExitAsync();
            return process.ExitCode == 0;
        }
    }
}
