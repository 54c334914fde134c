namespace ClassComms.PersonalData;

/// <summary>
/// Retention periods of data keys: a period starts each year on <see cref="PersonalDataOptions.KeyPeriodStart"/> (UTC)
/// and is named by the year it starts in (2026 = 1 August 2026 to 31 July 2027 by default). Period 0 is the single
/// per-subject key of version-1 sealed values.
/// </summary>
public sealed class KeyPeriods(int startMonth, int startDay)
{
    public const int Legacy = 0;

    public int Of(DateTimeOffset at)
    {
        var utc = at.UtcDateTime;
        return (utc.Month, utc.Day).CompareTo((startMonth, startDay)) >= 0 ? utc.Year : utc.Year - 1;
    }
}
