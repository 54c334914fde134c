using ClassComms.Schools;

namespace ClassComms.Dpo;

/// <summary>The law that sets how long the school has to answer a data subject's request (access, portability, erasure, rectification).</summary>
public enum PrivacyRegime
{
    /// <summary>GDPR art. 12(3): one month from receipt, extendable by two further months (the subject is told why within the first month).</summary>
    Gdpr,

    /// <summary>Quebec, private sector (Act respecting the protection of personal information in the private sector, s. 32): 30 days, no extension.</summary>
    QuebecPrivate,

    /// <summary>Quebec, public bodies — school service centres (Access Act, s. 47 and 49): 20 days, extendable once by 10 days.</summary>
    QuebecPublic,
}

/// <summary>A request's deadline: when it is due, whether it may still be extended, and the regime's codes. Pure.</summary>
public static class RequestDeadlines
{
    public const string GdprCode = "gdpr";
    public const string QuebecPrivateCode = "qc-private";
    public const string QuebecPublicCode = "qc-public";

    public static string Code(PrivacyRegime regime) => regime switch
    {
        PrivacyRegime.Gdpr => GdprCode,
        PrivacyRegime.QuebecPrivate => QuebecPrivateCode,
        _ => QuebecPublicCode,
    };

    public static PrivacyRegime? Parse(string? code) => code?.Trim().ToLowerInvariant() switch
    {
        GdprCode => PrivacyRegime.Gdpr,
        QuebecPrivateCode => PrivacyRegime.QuebecPrivate,
        QuebecPublicCode => PrivacyRegime.QuebecPublic,
        _ => null,
    };

    /// <summary>
    /// The school's regime: the one it chose, else Quebec public bodies for a school whose consent jurisdiction is Quebec (school service
    /// centres are public bodies), else GDPR.
    /// </summary>
    public static PrivacyRegime Of(School? school) =>
        Parse(school?.PrivacyRegime) ?? (string.Equals(school?.ConsentJurisdiction, "CA-QC", StringComparison.OrdinalIgnoreCase)
            ? PrivacyRegime.QuebecPublic
            : PrivacyRegime.Gdpr);

    public static bool CanExtend(PrivacyRegime regime) => regime != PrivacyRegime.QuebecPrivate;

    /// <summary>
    /// When a request received at <paramref name="receivedAt"/> must be answered: the end of the due day in the school's time zone.
    /// GDPR counts calendar months (received 31 January → due 28/29 February; extended: +2 months more); Quebec counts calendar days
    /// (20, or 30 once extended, for public bodies; 30 for the private sector). An extension a regime does not allow is ignored.
    /// </summary>
    public static DateTimeOffset DueAt(PrivacyRegime regime, DateTimeOffset receivedAt, bool extended, TimeZoneInfo zone)
    {
        var received = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(receivedAt, zone).DateTime);
        var due = regime switch
        {
            PrivacyRegime.Gdpr => received.AddMonths(extended ? 3 : 1),
            PrivacyRegime.QuebecPrivate => received.AddDays(30),
            _ => received.AddDays(extended ? 30 : 20),
        };
        var endOfDay = due.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(endOfDay, zone.GetUtcOffset(endOfDay)).AddTicks(-1);
    }

    /// <summary>The school's time zone (UTC when unknown).</summary>
    public static TimeZoneInfo ZoneOf(School? school) =>
        school is not null && TimeZoneInfo.TryFindSystemTimeZoneById(school.TimeZone, out var zone) ? zone : TimeZoneInfo.Utc;
}
