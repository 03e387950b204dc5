namespace LanSpread.TestKit;

/// <summary>
/// Waiting for a condition with a deadline instead of sleeping a fixed time. Before a "nothing happened"
/// check, poll for the proof that the mechanism which could have made it happen has run (a scan
/// counter, a connection count), so the check is neither slow nor racy on a loaded machine.
/// </summary>
public static class Poll
{
    /// <summary>Returns once <paramref name="condition"/> holds; throws <see cref="TimeoutException"/> naming <paramref name="what"/> at the deadline.</summary>
    public static async Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{what}: not within {timeout.TotalSeconds:0.#}s");
            }

            await Task.Delay(20);
        }
    }
}
