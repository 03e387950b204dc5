using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using LanSpread.TestKit;
using Xunit;

namespace LanSpread.Cli.Tests;

/// <summary>
/// The plugin SDK as a third party uses it: the `dotnet new` template instantiated in a temp folder
/// (outside the repository: no Directory.Build.props applies), built against a copy of the host, deployed
/// into the copy's plugins/ folder, then selected by name for a real download between two processes.
/// </summary>
public sealed class PluginSdkTests
{
    [Fact]
    public async Task A_planner_from_the_template_is_at_most_30_lines_and_downloads_when_selected_by_name()
    {
        using var temp = new TempDir("lanspread-sdk");
        var host = CopyHost(temp.Sub("host"));
        var source = BuildTemplate(temp, host, "planner", "Fifo.Planner", "fifo");

        var code = Directory.GetFiles(source, "*.cs"); // the template's own code, not obj/'s generated files
        Assert.NotEmpty(code);
        // ChunkPlanBase keeps the books (re-queueing, pipes, availability), so the template only chooses.
        Assert.True(code.Sum(f => File.ReadAllLines(f).Length) <= 30, "the template planner has more than 30 lines of C#");

        var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(host, "plugins", "Fifo.Planner", "plugin.json"))).RootElement;
        Assert.Equal("Fifo.Planner", manifest.GetProperty("id").GetString());
        Assert.Equal(LanSpread.Core.ContractVersion.Current.ToString(2), manifest.GetProperty("contractVersion").GetString());
        Assert.False(File.Exists(Path.Combine(host, "plugins", "Fifo.Planner", "LanSpread.Core.dll")), "the contracts must come from the host, never a copy");

        using var plugins = await CliProcess.RunAsync(["plugins", "--json"], cliDll: Path.Combine(host, "lanspread.dll"));
        Assert.True(plugins.ExitCode == 0, plugins.Stderr);
        var parts = plugins.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement);
        Assert.Contains(parts, p =>
            p.GetProperty("name").GetString() == "fifo" && p.GetProperty("status").GetString() == "Active");

        var content = new Dictionary<string, byte[]> { ["bin/game.exe"] = GameFixture.Bytes(3_000_000, 7), ["cfg/a.cfg"] = [1, 2, 3] };
        var games = temp.Sub("seeder");
        GameFixture.Create(games, "bfbc2", "1", content);
        var (seeder, port) = await ProcessPeers.ServeAsync(temp, "seeder", games);
        using var seederProcess = seeder;
        using var get = await CliProcess.RunAsync(
            ProcessPeers.GetArgs(temp, "bfbc2", temp.Sub("client"), [port], "--planner", "fifo", "--chunk-size", "256K", "--timeout", "60"),
            cliDll: Path.Combine(host, "lanspread.dll"));
        Assert.True(get.ExitCode == 0, get.Stderr);
        Assert.Equal(GameFixture.Manifest(content), GameFixture.Manifest(Path.Combine(temp.Path, "client", "bfbc2", "local")));
    }

    [Fact]
    public async Task A_zip_game_and_a_rar_game_install_side_by_side_with_the_template_zip_unpacker_present()
    {
        using var temp = new TempDir("lanspread-sdk");
        var host = CopyHost(temp.Sub("host"));
        BuildTemplate(temp, host, "unpacker", "Zip.Unpacker", "zip");
        var cli = Path.Combine(host, "lanspread.dll");
        var games = temp.Sub("games");

        var rarContent = new Dictionary<string, byte[]> { ["bin/game.exe"] = GameFixture.Bytes(300_000, 1), ["readme.txt"] = [1] };
        GameFixture.Create(games, "bfbc2", "1", rarContent);
        var zipContent = new Dictionary<string, byte[]> { ["bin/swarm.exe"] = GameFixture.Bytes(200_000, 2), ["cfg/a.cfg"] = [4, 5] };
        CreateZipGame(games, "alienswarm", "alienswarm.zip", zipContent);
        // Zip content under RAR's archive name: RAR's signature does not match and the zip unpacker looks
        // for *.zip, so nobody claims it; the install fails with a clear error and loses nothing.
        CreateZipGame(games, "hl2", "hl2.eti", zipContent);

        using var rar = await CliProcess.RunAsync(["install", "bfbc2", "--games", games], cliDll: cli);
        Assert.True(rar.ExitCode == 0, rar.Stderr);
        using var zip = await CliProcess.RunAsync(["install", "alienswarm", "--games", games], cliDll: cli);
        Assert.True(zip.ExitCode == 0, zip.Stderr);
        Assert.Equal(GameFixture.Manifest(rarContent), GameFixture.Manifest(Path.Combine(games, "bfbc2", "local")));
        Assert.Equal(GameFixture.Manifest(zipContent), GameFixture.Manifest(Path.Combine(games, "alienswarm", "local")));

        using var misnamed = await CliProcess.RunAsync(["install", "hl2", "--games", games], cliDll: cli);
        Assert.Equal(6, misnamed.ExitCode);
        Assert.Contains("no archive", misnamed.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(games, "hl2", "local")));
        Assert.True(File.Exists(Path.Combine(games, "hl2", "hl2.eti")));
    }

    [Fact]
    public void The_sdk_refuses_a_host_folder_without_the_contracts_with_a_clear_error()
    {
        using var temp = new TempDir("lanspread-sdk");
        var source = temp.Sub("Bad.Planner");
        File.WriteAllText(Path.Combine(source, "Bad.Planner.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <LanSpreadHome>{temp.Sub("empty-host")}</LanSpreadHome>
              </PropertyGroup>
              <Import Project="{Path.Combine(Repo.Root, "build", "LanSpread.Plugin.targets")}" />
            </Project>
            """);
        var (exitCode, output) = DotnetResult(source, "build", "-c", "Release", "-nologo");
        Assert.NotEqual(0, exitCode);
        Assert.Contains("holds no LanSpread.Core.dll", output, StringComparison.Ordinal);
    }

    /// <summary>Instantiates a template in a temp folder, builds it against <paramref name="host"/> and deploys it there.</summary>
    private static string BuildTemplate(TempDir temp, string host, string template, string project, string pluginName)
    {
        var source = Path.Combine(temp.Path, "src", project);
        var hive = temp.Sub("template-hive");
        Dotnet(temp.Path, "new", "install", Path.Combine(Repo.Root, "templates", template), "--debug:custom-hive", hive);
        Dotnet(temp.Path, "new", $"lanspread-{template}", "-n", project, "-o", source, "--host", host, "--pluginName", pluginName, "--debug:custom-hive", hive);
        Dotnet(source, "build", "-c", "Release", "-p:LanSpreadDeploy=true", "-nologo");
        return source;
    }

    private static void CreateZipGame(string games, string id, string archiveName, IReadOnlyDictionary<string, byte[]> content)
    {
        var root = Path.Combine(games, id);
        Directory.CreateDirectory(root);
        using (var archive = ZipFile.Open(Path.Combine(root, archiveName), ZipArchiveMode.Create))
        {
            foreach (var (name, bytes) in content)
            {
                using var entry = archive.CreateEntry(name).Open();
                entry.Write(bytes);
            }
        }

        File.WriteAllText(Path.Combine(root, "version.ini"), "1\n");
    }

    /// <summary>A copy of the host's build output (the layout `dotnet publish` gives: lanspread, plugins/, sdk/).</summary>
    private static string CopyHost(string destination)
    {
        var origin = Path.GetDirectoryName(Repo.CliDll)!;
        foreach (var file in Directory.EnumerateFiles(origin, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(destination, Path.GetRelativePath(origin, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return destination;
    }

    private static void Dotnet(string directory, params string[] args)
    {
        var (exitCode, output) = DotnetResult(directory, args);
        Assert.True(exitCode == 0, $"dotnet {string.Join(' ', args)} exited {exitCode}:\n{output}");
    }

    private static (int ExitCode, string Output) DotnetResult(string directory, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet", args) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + stderr.Result);
    }
}
