using LanSpread.Core.Events;
using Spectre.Console;

namespace LanSpread.Cli.Output;

/// <summary>Human output on a terminal: a progress line (bytes, rate, ETA, peers) and a summary.</summary>
internal sealed class ConsoleProgress
{
    private int _peers;

    public void Show(PeerEvent peerEvent)
    {
        switch (peerEvent)
        {
            case PeerDiscovered d:
                AnsiConsole.MarkupLine($"[grey]peer[/] {Markup.Escape(d.Peer)} [grey]{Markup.Escape(d.Address)}[/]");
                break;
            case DownloadGameFilesBegin b:
                _peers = b.Peers.Count;
                AnsiConsole.MarkupLine($"[bold]{Markup.Escape(b.Game)}[/] {Markup.Escape(b.Version)}: {Size(b.TotalBytes)} from {string.Join(", ", b.Peers.Select(p => Markup.Escape(p.Name)))}");
                break;
            case DownloadProgress p:
                var eta = p.BytesPerSecond > 0 ? TimeSpan.FromSeconds((p.TotalBytes - p.BytesDone) / p.BytesPerSecond) : TimeSpan.Zero;
                var percent = p.TotalBytes == 0 ? 100 : 100.0 * p.BytesDone / p.TotalBytes;
                var width = 30;
                var filled = (int)(width * percent / 100);
                Console.Error.Write($"\r[{new string('#', filled)}{new string('.', width - filled)}] {percent,5:0.0}%  {Size(p.BytesDone)}/{Size(p.TotalBytes)}  {Size((long)p.BytesPerSecond)}/s  ETA {eta:mm\\:ss}  {_peers} peers ");
                break;
            case DownloadGameFilesFinished f:
                Console.Error.WriteLine();
                AnsiConsole.MarkupLine($"[green]downloaded[/] {Markup.Escape(f.Game)} {Markup.Escape(f.Version)} in {f.Seconds:0.0}s: " +
                    string.Join(", ", f.BytesByPeer.Select(p => $"{Markup.Escape(p.Peer)} {Size(p.Bytes)}")));
                break;
            case DownloadGameFilesFailed f:
                Console.Error.WriteLine();
                AnsiConsole.MarkupLine($"[red]download failed[/]: {Markup.Escape(f.Reason)}");
                break;
            case InstallGameBegin i:
                AnsiConsole.MarkupLine($"[grey]{i.Mode.ToString().ToLowerInvariant()}ing[/] {Markup.Escape(i.Game)}…");
                break;
            case InstallGameFinished i:
                AnsiConsole.MarkupLine($"[green]installed[/] {Markup.Escape(i.Game)}");
                break;
            case InstallGameFailed i:
                AnsiConsole.MarkupLine($"[red]install failed[/]: {Markup.Escape(i.Reason)}");
                break;
            case NoPeersHaveGame n:
                AnsiConsole.MarkupLine($"[red]no peer has[/] {Markup.Escape(n.Game)}");
                break;
        }
    }

    public static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.00} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.0} MiB",
        >= 1L << 10 => $"{bytes / 1024.0:0.0} KiB",
        _ => $"{bytes} B",
    };
}
