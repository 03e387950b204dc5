using System.Globalization;
using System.Text;
using System.Text.Json;
using LanSpread.Core.Model;
using Spectre.Console;

namespace LanSpread.Cli.Demo;

/// <summary>
/// The demo's result: per client how many bytes came from the seeder and how many from the other
/// clients, and the time all of them took against what the seeder's upload cap alone would have needed
/// to send every client the whole game (the swarm's gain).
/// </summary>
internal sealed class DemoReport(IReadOnlyList<DemoClient> clients, PeerId seeder, long seederRate, TimeSpan elapsed)
{
    /// <summary>Bytes each client transferred (the same game for all).</summary>
    public long GameBytes { get; } = clients.Max(c => c.TotalBytes);

    /// <summary>Every client's whole download through the seeder's cap, one after another.</summary>
    public double SeederAloneSeconds => clients.Sum(c => c.TotalBytes) / (double)seederRate;

    /// <summary>How many times faster than the seeder's cap alone.</summary>
    public double Gain => SeederAloneSeconds / Math.Max(elapsed.TotalSeconds, 0.001);

    /// <summary>The summary line of the table and the JSON record, e.g. "3 clients got 48.0 MiB each in 4.2 s; …".</summary>
    public string Headline =>
        string.Create(CultureInfo.InvariantCulture, $"{clients.Count} client{(clients.Count == 1 ? string.Empty : "s")} got {ByteSize.Format(GameBytes)} each in {elapsed.TotalSeconds:0.0} s; the seeder's upload cap ({ByteSize.Rate(seederRate)}) alone would have needed {SeederAloneSeconds:0.0} s: {Gain:0.0}× faster");

    /// <summary>The table (one row per client) and the headline, under the live view.</summary>
    public void Render()
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("client").AddColumn(new TableColumn("from the seeder").RightAligned()).AddColumn(new TableColumn("from other clients").RightAligned())
            .AddColumn(new TableColumn("done after").RightAligned()).AddColumn("verified");
        foreach (var client in clients)
        {
            var fromSeeder = client.FromSeeder(seeder);
            var fromClients = client.FromClients(seeder);
            table.AddRow(
                $"client {client.Number}",
                Share(fromSeeder, fromSeeder + fromClients),
                $"[green]{Markup.Escape(Share(fromClients, fromSeeder + fromClients))}[/]",
                client.Finished is { } done ? string.Create(CultureInfo.InvariantCulture, $"{done.TotalSeconds:0.0} s") : "-",
                client.Verified ? "[green]yes[/]" : "[red]no[/]");
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(Markup.Escape(Headline));
    }

    /// <summary>The <c>DemoSummary</c> JSONL record (the last line on stdout with <c>--json</c>).</summary>
    public string JsonLine()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("event", "DemoSummary");
            json.WriteNumber("seconds", Math.Round(elapsed.TotalSeconds, 3));
            json.WriteNumber("seederMaxUploadRate", seederRate);
            json.WriteNumber("seederAloneSeconds", Math.Round(SeederAloneSeconds, 3));
            json.WriteNumber("gain", Math.Round(Gain, 3));
            json.WriteNumber("gameBytes", GameBytes);
            json.WriteStartArray("clients");
            foreach (var client in clients)
            {
                json.WriteStartObject();
                json.WriteString("client", client.Name);
                json.WriteNumber("fromSeeder", client.FromSeeder(seeder));
                json.WriteNumber("fromClients", client.FromClients(seeder));
                if (client.Finished is { } done)
                {
                    json.WriteNumber("seconds", Math.Round(done.TotalSeconds, 3));
                }

                json.WriteBoolean("verified", client.Verified);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteString("summary", Headline);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Share(long bytes, long total) =>
        total <= 0 ? ByteSize.Format(bytes) : string.Create(CultureInfo.InvariantCulture, $"{ByteSize.Format(bytes)} ({bytes * 100.0 / total:0}%)");
}
