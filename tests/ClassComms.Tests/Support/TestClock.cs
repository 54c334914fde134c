namespace ClassComms.Tests.Support;

/// <summary>
/// The shared host's <see cref="TimeProvider"/>: the real time plus an offset that a test moves forward ("time passes")
/// instead of waiting; reset to zero before each test. Timers and timestamps stay real, so the async daemon, Wolverine and
/// bounded waits are unaffected.
/// </summary>
public sealed class TestClock : TimeProvider
{
    private long _offsetTicks;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public void Reset() => Interlocked.Exchange(ref _offsetTicks, 0);
}
