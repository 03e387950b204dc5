using LanSpread.Gui.Components;
using LanSpread.Gui.Services;

// The GUI host: the CLI's common options (--games, --data, --peer, --no-mdns, --transport, …) plus
// ASP.NET Core's --urls. Bound to 127.0.0.1 by default; without --games it opens on an embedded
// default (an empty game directory under the per-user data directory) and works alone.
var settings = GuiSettings.Parse(args);
// Content root beside the binaries, so a published GUI finds its wwwroot from any working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_URLS")))
{
    builder.WebHost.UseUrls("http://127.0.0.1:5080");
}

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
app.Run();
