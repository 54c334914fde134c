using ClassComms.Platform;
using ClassComms.Schools;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Dpo;

/// <summary>The law whose deadlines apply to the school's subject requests: <c>gdpr</c>, <c>qc-private</c> or <c>qc-public</c>.</summary>
public sealed record SetPrivacyRegime(string? Regime);

/// <summary>The regime in force (chosen, or the default), whether the school chose it, and the deadline rules in days or months.</summary>
public sealed record PrivacyRegimeView(string Regime, bool Chosen, bool CanExtend);

public static class PrivacyRegimeEndpoints
{
    /// <summary>The school's privacy regime (staff).</summary>
    [ProducesResponseType<PrivacyRegimeView>(StatusCodes.Status200OK)]
    [ProducesProblems(403)]
    [WolverineGet("/api/school/privacy-regime")]
    public static async Task<IResult> Get(Caller caller, IQuerySession session, CancellationToken ct)
    {
        if (!caller.IsStaff) return Problems.Forbidden("Staff read the school's privacy regime.");
        var school = await session.LoadAsync<School>(caller.SchoolId, ct);
        return school is null ? Problems.NotFound("school") : Results.Ok(View(school));
    }

    /// <summary>Choose the school's privacy regime (the DPO or a leader).</summary>
    [ProducesResponseType<PrivacyRegimeView>(StatusCodes.Status200OK)]
    [ProducesProblems(400, 403)]
    [WolverinePost("/api/school/privacy-regime")]
    public static async Task<IResult> Post(SetPrivacyRegime request, Caller caller, IDocumentSession session, CancellationToken ct)
    {
        if (caller.Role is not (Role.Dpo or Role.Leader)) return Problems.Forbidden("The DPO or a school leader chooses the school's privacy regime.");
        if (RequestDeadlines.Parse(request.Regime) is not { } regime)
            return Problems.Invalid("regime", $"must be one of {RequestDeadlines.GdprCode}, {RequestDeadlines.QuebecPrivateCode}, {RequestDeadlines.QuebecPublicCode}.");
        var school = await session.LoadAsync<School>(caller.SchoolId, ct);
        if (school is null) return Problems.NotFound("school");
        school.PrivacyRegime = RequestDeadlines.Code(regime);
        session.Store(school);
        return Results.Ok(View(school));
    }

    public static PrivacyRegimeView View(School school)
    {
        var regime = RequestDeadlines.Of(school);
        return new PrivacyRegimeView(RequestDeadlines.Code(regime), school.PrivacyRegime is not null, RequestDeadlines.CanExtend(regime));
    }
}
