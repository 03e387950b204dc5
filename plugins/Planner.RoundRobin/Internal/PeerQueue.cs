namespace LanSpread.Planner.RoundRobin.Internal;

/// <summary>One peer's share of the deal, what it holds (null: everything) and what it has in flight.</summary>
internal sealed class PeerQueue(HashSet<int>? holds)
{
    public HashSet<int>? Holds { get; } = holds;

    public Queue<int> Queue { get; } = new();

    public HashSet<int> InFlight { get; } = [];

    public bool Has(int index) => Holds is null || Holds.Contains(index);
}
