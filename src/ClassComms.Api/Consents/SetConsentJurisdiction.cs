using ClassComms.Platform;
using ClassComms.Schools;
using ClassComms.Students;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace ClassComms.Consents;

/// <summary>The jurisdiction whose age of consent applies to the school: a code of the table (<c>CA-QC</c>, <c>FR</c>, <c>IE</c>, …).</summary>
public sealed record SetConsentJurisdiction(string? Jurisdiction);

/// <summary>The school's jurisdiction and its age of consent (null: none chosen, the guardians decide), and the whole table.</summary>
public sealed record ConsentJurisdictionView(string? Jurisdiction, int? AgeOfConsent, IReadOnlyDictionary<string, int> AgesOfConsent);

public static class SetConsentJurisdictionEndpoint
{
    /// <summary>Choose the school's jurisdiction for the age of consent (a leader).</summary>
    /// <remarks>
    /// Every student with a date of birth who has not reached the age of consent is checked again at once (the step records it for
    /// those whose birthday under the new age has passed; the daily sweep finds the others later). Students who already reached it keep it. Choosing the jurisdiction the
    /// school already has changes nothing.
    /// </remarks>
    [ProducesResponseType<ConsentJurisdictionView>(StatusCodes.Status200OK)]
    [ProducesProblems(403)]
    [WolverinePost("/api/school/consent-jurisdiction")]
    public static async Task<IResult> Post(SetConsentJurisdiction request, Caller caller, IDocumentSession session, AgeOfConsent ages,
        IMessageBus bus, CancellationToken ct)
    {
        if (caller.Role != Role.Leader) return Problems.Forbidden("Only a school leader chooses the school's jurisdiction.");
        if (string.IsNullOrWhiteSpace(request.Jurisdiction)) return Problems.Invalid("jurisdiction", "is required.");
        if (ages.Of(request.Jurisdiction) is not { } rule) return Problems.Invalid("jurisdiction", "is not in the age-of-consent table (GET this path lists it).");
        var school = await session.LoadAsync<School>(caller.SchoolId, ct);
        if (school is null) return Problems.NotFound("school");
        if (school.ConsentJurisdiction == rule.Code) return Results.Ok(View(school, ages));

        school.ConsentJurisdiction = rule.Code;
        session.Store(school);
        // Each check opens the sealed birth date and acts only when the birthday under the new age has passed (ids only).
        var students = await session.Query<Student>().Where(s => s.BirthDate != null && s.AgeOfConsentReachedAt == null && s.ErasedAt == null)
            .Select(s => s.Id).ToListAsync(ct);
        foreach (var studentId in students)
        {
            await bus.PublishAsync(new ReachAgeOfConsent(caller.SchoolId, studentId), new DeliveryOptions { TenantId = caller.Tenant });
        }

        return Results.Ok(View(school, ages));
    }

    public static ConsentJurisdictionView View(School school, AgeOfConsent ages) =>
        new(school.ConsentJurisdiction, ages.Of(school.ConsentJurisdiction)?.Age, ages.Table.OrderBy(e => e.Key).ToDictionary(e => e.Key, e => e.Value));
}
