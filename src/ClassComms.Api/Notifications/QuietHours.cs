namespace ClassComms.Notifications;

/// <summary>Local times (in the school's time zone) between which a staff member gets no push; may wrap midnight.</summary>
public sealed record QuietHours(TimeOnly Start, TimeOnly End)
{
    /// <summary>When the current quiet period ends, or null when <paramref name="now"/> is outside quiet hours.</summary>
    public DateTimeOffset? EndOfQuietPeriod(DateTimeOffset now, TimeZoneInfo zone)
    {
        if (Start == End) return null;
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var time = TimeOnly.FromDateTime(local.DateTime);
        var wraps = Start > End;
        var inside = wraps ? time >= Start || time < End : time >= Start && time < End;
        if (!inside) return null;
        var endDate = wraps && time >= Start ? local.Date.AddDays(1) : local.Date;
        var endLocal = DateTime.SpecifyKind(endDate + End.ToTimeSpan(), DateTimeKind.Unspecified);
        return new DateTimeOffset(endLocal, zone.GetUtcOffset(endLocal));
    }
}

/// <summary>A staff member's own notification settings (tenant document keyed by user id).</summary>
public sealed class StaffPreferences
{
    public Guid Id { get; set; }
    public QuietHours? QuietHours { get; set; }
}
