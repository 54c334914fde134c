using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Schools;

/// <summary>The IANA time zone in which the school's dates and times are shown (the web app formats every date in it).</summary>
public sealed record SchoolTimeZoneView(string TimeZone);

public static class GetSchoolTimeZoneEndpoint
{
    /// <summary>The caller's school's time zone (any member: staff, guardian or student).</summary>
    [ProducesResponseType<SchoolTimeZoneView>(StatusCodes.Status200OK)]
    [ProducesProblems(404)]
    [WolverineGet("/api/school/time-zone")]
    public static async Task<IResult> Get(Caller caller, IQuerySession session, CancellationToken ct)
    {
        var school = await session.LoadAsync<School>(caller.SchoolId, ct);
        return school is null ? Problems.NotFound("school") : Results.Ok(new SchoolTimeZoneView(school.TimeZone));
    }
}
