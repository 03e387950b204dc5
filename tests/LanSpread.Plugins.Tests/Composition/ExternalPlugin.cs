using System.Diagnostics;
using LanSpread.TestKit;

namespace LanSpread.Plugins.Tests.Composition;

/// <summary>
/// Builds a plugin outside the solution: its own csproj in a temp folder, referencing only
/// LanSpread.Core (and the MEF attribute assembly Core's export attributes derive from), the way a
/// third party would. It exports a working planner and a transport whose constructor throws.
/// </summary>
public sealed class ExternalPlugin : IDisposable
{
    private readonly TempDir _temp = new("lanspread-extplugin");

    public ExternalPlugin()
    {
        var project = _temp.Sub("src");
        File.WriteAllText(Path.Combine(project, "External.Planner.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <EnableDynamicLoading>true</EnableDynamicLoading>
                <AssemblyName>External.Planner</AssemblyName>
              </PropertyGroup>
              <ItemGroup>
                <Reference Include="LanSpread.Core"><HintPath>{Path.Combine(Repo.Output, "LanSpread.Core.dll")}</HintPath><Private>false</Private></Reference>
                <Reference Include="System.Composition.AttributedModel"><HintPath>{Path.Combine(Repo.Output, "System.Composition.AttributedModel.dll")}</HintPath><Private>false</Private></Reference>
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(project, "ReversePlanner.cs"), """
            using System.Composition;
            using LanSpread.Core.Composition;
            using LanSpread.Core.Model;
            using LanSpread.Core.Planning;

            namespace External.Planner;

            [ExportChunkPlanner("reverse", Priority = 1)]
            [Shared]
            public sealed class ReversePlanner : IChunkPlanner
            {
                public string Name => "reverse";

                public IChunkPlan CreatePlan(ChunkPlanRequest request) => new Plan(request);

                private sealed class Plan(ChunkPlanRequest request) : IChunkPlan
                {
                    private readonly Stack<FileChunk> _chunks = new(request.Chunks);

                    public bool TryTakeNext(PeerId peer, out PlannedChunk chunk)
                    {
                        lock (_chunks)
                        {
                            var taken = _chunks.TryPop(out var next);
                            chunk = new PlannedChunk((int)next.Offset, next);
                            return taken;
                        }
                    }

                    public void ReportCompleted(PeerId peer, int index, long bytes, TimeSpan elapsed) { }

                    public void ReportFailed(PeerId peer, int index, Exception error) { }

                    public void ReportStalled(PeerId peer, int index, long bytesSoFar, TimeSpan elapsed) { }

                    public void AddPeer(PlannerPeer peer) { }

                    public void PeerGained(PeerId peer, IReadOnlyCollection<int> indexes) { }

                    public void RemovePeer(PeerId peer) { }

                    public void Prioritize(int fromIndex, int count) { }
                }
            }
            """);
        File.WriteAllText(Path.Combine(project, "ThrowingTransport.cs"), """
            using System.Composition;
            using System.Net;
            using LanSpread.Core.Composition;
            using LanSpread.Core.Model;
            using LanSpread.Core.Transport;

            namespace External.Planner;

            [ExportTransport("throwing")]
            public sealed class ThrowingTransport : ITransport
            {
                public ThrowingTransport() => throw new InvalidOperationException("deliberately broken constructor");

                public string Name => "throwing";

                public ValueTask<ITransportListener> ListenAsync(IPEndPoint endPoint, TransportCredentials credentials, CancellationToken cancellationToken) => throw new NotSupportedException();

                public ValueTask<ITransportConnection> ConnectAsync(IPEndPoint endPoint, PeerId? expectedPeer, TransportCredentials credentials, CancellationToken cancellationToken) => throw new NotSupportedException();
            }
            """);

        PluginsRoot = _temp.Sub("plugins");
        Folder = Path.Combine(PluginsRoot, "External.Planner");
        var build = Process.Start(new ProcessStartInfo("dotnet", ["build", project, "-c", "Release", "-o", Folder, "-nologo", "-v", "q"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = build.StandardOutput.ReadToEnd() + build.StandardError.ReadToEnd();
        build.WaitForExit();
        if (build.ExitCode != 0)
        {
            throw new InvalidOperationException("building the external plugin failed:\n" + output);
        }

        File.WriteAllText(Path.Combine(Folder, "plugin.json"), """
            { "id": "External.Planner", "version": "9.9.9", "contractVersion": "2.0", "assemblies": ["External.Planner.dll"] }
            """);
    }

    /// <summary>A folder holding one folder per plugin (pass it like <c>--plugins</c>).</summary>
    public string PluginsRoot { get; }

    /// <summary>The plugin's own folder.</summary>
    public string Folder { get; }

    public void Dispose() => _temp.Dispose();
}
