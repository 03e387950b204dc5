using System.Net;
using System.Net.Sockets;
using LanSpread.Gui.Components;
using LanSpread.Gui.Services;
using LanSpread.Hosting;

// The GUI host: the CLI's common options (--games, --data, --peer, --no-mdns, …) plus
// ASP.NET Core's --urls. Bound to 127.0.0.1 by default; without --games it opens on an embedded
// default (an empty game directory under the per-user data directory) and works alone.
if (GuiSettings.WantsHelp(args))
{
    // Before anything binds a port or touches the data directory.
    GuiSettings.PrintUsage(Console.Out);
    return 0;
}

GuiSettings settings;
try
{
    settings = GuiSettings.Parse(args);
}
catch (UsageException ex)
{
    Console.Error.WriteLine($"{ex.Message} (see LanSpread.Gui --help)");
    return 2;
}

// Content root beside the binaries, so a published GUI finds its wwwroot from any working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
var urlsGiven = !string.IsNullOrEmpty(builder.Configuration["urls"]) || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_URLS"));
if (!urlsGiven)
{
    builder.WebHost.UseUrls($"http://127.0.0.1:{FreeWebPort(GuiSettings.DefaultWebPort)}");
}

// A Blazor circuit is an open WebSocket; the default 30 s grace for open connections made SIGTERM with
// a tab open take 32 s. The runtime's own stop (cancel transfers, goodbye) is bounded well below this.
// Request-by-request framework logs drown the peer's own; warnings and errors still show.
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(1));

// Serve wwwroot and the framework's scripts from the build output too (`dotnet run`, tests), not
// only from a publish folder; a no-op where there is no static-web-assets manifest.
builder.WebHost.UseStaticWebAssets();
builder.Services.AddSingleton(settings);
builder.Services.AddSingleton<PeerService>();
builder.Services.AddHostedService(services => services.GetRequiredService<PeerService>());
builder.Services.AddRazorComponents().AddInteractiveServerComponents();

var app = builder.Build();
app.UseStaticFiles();
app.UseAntiforgery();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.Lifetime.ApplicationStarted.Register(() =>
    Console.WriteLine($"LanSpread GUI on {string.Join(", ", app.Urls)} (games: {app.Services.GetRequiredService<PeerService>().GameDirectory})"));
try
{
    await app.RunAsync();
    return 0;
}
catch (IOException ex) when (ex.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } || ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
{
    Console.Error.WriteLine($"The page cannot be served at {builder.Configuration["urls"] ?? Environment.GetEnvironmentVariable("ASPNETCORE_URLS")}: that port is in use (another LanSpread GUI?). Pass a free one with --urls http://127.0.0.1:PORT, or leave --urls out to use the first free port from {GuiSettings.DefaultWebPort}.");
    return 1;
}

// The default port, else the next free one: a second GUI (or one still exiting) must not stop this one starting.
static int FreeWebPort(int first)
{
    for (var port = first; port < first + 20; port++)
    {
        try
        {
            using var probe = new TcpListener(IPAddress.Loopback, port);
            probe.Start();
            return port;
        }
        catch (SocketException)
        {
        }
    }

    return 0;
}
