using System.Security.Claims;
using ClassComms.Classes;
using ClassComms.Platform;
using ClassComms.Schools;
using ClassComms.Students;
using Marten;
using Wolverine.Http;

namespace ClassComms.Notifications;

/// <summary><c>start</c>/<c>end</c> as HH:mm or HH:mm:ss local school time; <c>timeZone</c> (IANA) only for school defaults.</summary>
public sealed record SetQuietHours(string? Start, string? End, string? TimeZone);

public static class QuietHoursEndpoints
{
    [WolverinePost("/api/me/quiet-hours")]
    public static async Task<IResult> SetMine(SetQuietHours request, ClaimsPrincipal user, IDocumentSession session, CancellationToken ct)
    {
        var caller = Caller.Of(user);
        if (!caller.IsStaff) return Problems.Forbidden("Quiet hours are for staff; guardians mute classes instead.");
        if (Parse(request, out var hours) is { } problem) return problem;
        var prefs = await session.LoadAsync<StaffPreferences>(caller.UserId, ct) ?? new StaffPreferences { Id = caller.UserId };
        prefs.QuietHours = hours;
        session.Store(prefs);
        return Results.Ok(hours);
    }

    /// <summary>Back to the school's default quiet hours.</summary>
    [WolverineDelete("/api/me/quiet-hours")]
    public static IResult ClearMine(ClaimsPrincipal user, IDocumentSession session)
    {
        var caller = Caller.Of(user);
        if (!caller.IsStaff) return Problems.Forbidden("Quiet hours are for staff.");
        session.Delete<StaffPreferences>(caller.UserId);
        return Results.NoContent();
    }

    [WolverinePost("/api/school/quiet-hours")]
    public static async Task<IResult> SetSchoolDefault(SetQuietHours request, ClaimsPrincipal user, IDocumentSession session, CancellationToken ct)
    {
        var caller = Caller.Of(user);
        if (caller.Role != Role.Leader) return Problems.Forbidden("Only a school leader sets the school's quiet hours.");
        if (Parse(request, out var hours) is { } problem) return problem;
        if (request.TimeZone is not null && !TimeZoneInfo.TryFindSystemTimeZoneById(request.TimeZone, out _))
        {
            return Problems.Invalid("timeZone", "is not a known IANA time zone.");
        }

        var school = await session.LoadAsync<School>(caller.SchoolId, ct);
        if (school is null) return Problems.NotFound("school");
        school.DefaultQuietHours = hours;
        if (request.TimeZone is not null) school.TimeZone = request.TimeZone;
        session.Store(school);
        return Results.Ok(hours);
    }

    [WolverinePost("/api/guardians/me/muted-classes/{classId}")]
    public static async Task<IResult> Mute(string classId, ClaimsPrincipal user, IDocumentSession session, CancellationToken ct) =>
        await SetMute(classId, true, user, session, ct);

    [WolverineDelete("/api/guardians/me/muted-classes/{classId}")]
    public static async Task<IResult> Unmute(string classId, ClaimsPrincipal user, IDocumentSession session, CancellationToken ct) =>
        await SetMute(classId, false, user, session, ct);

    private static async Task<IResult> SetMute(string classId, bool muted, ClaimsPrincipal user, IDocumentSession session, CancellationToken ct)
    {
        if (!Ids.TryParse(classId, "classId", out var id, out var bad)) return bad!;
        var caller = Caller.Of(user);
        if (caller.Role != Role.Guardian) return Problems.Forbidden("Only guardians mute classes.");
        var children = await Guardians.GetMyChildrenEndpoint.VisibleChildrenAsync(session, caller.UserId, ct);
        if (children.All(c => c.ClassId != id)) return Problems.NotFound("class");
        var prefs = await session.LoadAsync<GuardianPreferences>(caller.UserId, ct) ?? new GuardianPreferences { Id = caller.UserId };
        prefs.MutedClassIds.Remove(id);
        if (muted) prefs.MutedClassIds.Add(id);
        session.Store(prefs);
        return Results.NoContent();
    }

    private static IResult? Parse(SetQuietHours request, out QuietHours hours)
    {
        hours = null!;
        var validation = new Validation();
        if (!TimeOnly.TryParse(request.Start ?? "", System.Globalization.CultureInfo.InvariantCulture, out var start)) validation.Add("start", "must be a time such as 19:00.");
        if (!TimeOnly.TryParse(request.End ?? "", System.Globalization.CultureInfo.InvariantCulture, out var end)) validation.Add("end", "must be a time such as 07:00.");
        if (!validation.IsValid) return validation.ToResult();
        if (start == end) return Problems.Invalid("end", "must differ from start.");
        hours = new QuietHours(start, end);
        return null;
    }
}
