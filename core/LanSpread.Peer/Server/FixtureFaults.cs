namespace LanSpread.Peer.Server;

/// <summary>
/// Test hook for the planner's fault tests: when <c>LANSPREAD_FIXTURE_DROP_EVERY</c> is a number N, this peer
/// drops every Nth chunk request it serves halfway through (the stream breaks, as a flaky peer's would).
/// </summary>
internal static class FixtureFaults
{
    private static readonly int DropEvery = int.TryParse(Environment.GetEnvironmentVariable("LANSPREAD_FIXTURE_DROP_EVERY"), out var n) && n > 0 ? n : 0;
    private static int _served;

    /// <summary>Whether the chunk request being started should be dropped halfway.</summary>
    public static bool DropThisChunk() => DropEvery > 0 && Interlocked.Increment(ref _served) % DropEvery == 0;
}
