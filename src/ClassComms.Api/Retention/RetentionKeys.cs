using System.Security.Cryptography;
using System.Text;
using ClassComms.PersonalData;

namespace ClassComms.Retention;

/// <summary>
/// The vault subjects that retention destroys. A point's note is sealed in two layers: the student's key and the school's
/// points key of the calendar month (UTC) it was awarded in, a subject derived from (school, "points", month). Destroying a
/// month's key shreds exactly the notes of that school's points of that month, and nothing else (names, messages and the
/// student's other data stay under the student's own key). A month is destroyed once it has ended at least the policy's
/// months ago, so with the default 12 a point is shredded between 12 and 13 months after it was given.
/// </summary>
public static class RetentionKeys
{
    /// <summary>The actor of what the scheduled run does (no person): the DPO's own runs name the DPO.</summary>
    public static readonly Guid Schedule = Derive("classcomms/retention/schedule");

    /// <summary>The school's points key of the month that contains <paramref name="at"/>.</summary>
    public static Guid PointsKey(Guid schoolId, DateTimeOffset at) => PointsKey(schoolId, MonthOf(at));

    public static Guid PointsKey(Guid schoolId, DateOnly month) => Derive($"classcomms/retention/points|{schoolId:N}|{month:yyyy-MM}");

    /// <summary>The first day of the month (UTC) of <paramref name="at"/>.</summary>
    public static DateOnly MonthOf(DateTimeOffset at) => new(at.UtcDateTime.Year, at.UtcDateTime.Month, 1);

    /// <summary>The start of the first month that is NOT yet due: months starting before it have ended at least <paramref name="months"/> months before <paramref name="now"/>.</summary>
    public static DateTimeOffset PointsCutoff(DateTimeOffset now, int months)
    {
        var boundary = now.ToUniversalTime().AddMonths(-months);
        var month = MonthOf(boundary);
        // The month containing the boundary has not ended before it; the one before has.
        return new DateTimeOffset(month.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
    }

    /// <summary>The stream (and inline snapshot) of a school's retention log: policy changes and run reports.</summary>
    public static Guid LogId(Guid schoolId) => Derive($"classcomms/retention/log|{schoolId:N}");

    /// <summary>True when the point's month key was destroyed (points awarded before month keys have none: false).</summary>
    public static async ValueTask<bool> IsShreddedAsync(PersonalDataVault vault, Guid? retentionKey, CancellationToken ct) =>
        retentionKey is { } key && await vault.IsErasedAsync(key, ct);

    /// <summary>The destroyed ones among <paramref name="retentionKeys"/>, each asked once (a page's points share a few month keys).</summary>
    public static async Task<HashSet<Guid>> ShreddedAmongAsync(PersonalDataVault vault, IEnumerable<Guid?> retentionKeys, CancellationToken ct)
    {
        var shredded = new HashSet<Guid>();
        foreach (var key in retentionKeys.OfType<Guid>().Distinct())
            if (await vault.IsErasedAsync(key, ct)) shredded.Add(key);
        return shredded;
    }

    private static Guid Derive(string name)
    {
        var hash = SHA256.HashData(Encoding.ASCII.GetBytes(name));
        hash[7] = (byte)((hash[7] & 0x0F) | 0x80); // RFC 9562 version 8 (custom), variant 10
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16));
    }
}
