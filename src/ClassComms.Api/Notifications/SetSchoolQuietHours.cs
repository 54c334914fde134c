using ClassComms.Platform;
using ClassComms.Schools;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Notifications;

/// <summary>A leader sets the school's default quiet hours (for staff who have not set their own) and its time zone.</summary>
public static class SetSchoolQuietHoursEndpoint
{
    /// <summary>Set the school's default quiet hours and time zone (a leader).</summary>
    [ProducesResponseType<QuietHours>(StatusCodes.Status200OK)]
    [ProducesProblems(403)]
    [WolverinePost("/api/school/quiet-hours")]
    public static async Task<IResult> SetSchoolDefault(SetQuietHours request, Caller caller, IDocumentSession session, CancellationToken ct)
    {
        if (caller.Role != Role.Leader) return Problems.Forbidden("Only a school leader sets the school's quiet hours.");
        if (SetQuietHoursEndpoint.Parse(request, out var hours) is { } problem) return problem;
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
}
