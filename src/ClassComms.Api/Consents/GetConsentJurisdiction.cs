using ClassComms.Platform;
using ClassComms.Schools;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Consents;

public static class GetConsentJurisdictionEndpoint
{
    /// <summary>Read the school's jurisdiction, its age of consent and the table (staff).</summary>
    [ProducesResponseType<ConsentJurisdictionView>(StatusCodes.Status200OK)]
    [ProducesProblems(403)]
    [WolverineGet("/api/school/consent-jurisdiction")]
    public static async Task<IResult> Get(Caller caller, IQuerySession session, AgeOfConsent ages, CancellationToken ct)
    {
        if (!caller.IsStaff) return Problems.Forbidden("Staff read the school's jurisdiction.");
        var school = await session.LoadAsync<School>(caller.SchoolId, ct);
        return school is null ? Problems.NotFound("school") : Results.Ok(SetConsentJurisdictionEndpoint.View(school, ages));
    }
}
