namespace ClassComms.Tests.Accounts;

/// <summary>A clock that moves only when told, for rules that need time to pass (no real waits).</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
