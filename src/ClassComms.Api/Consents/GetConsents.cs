using ClassComms.AccessLog;
using ClassComms.Platform;
using ClassComms.Schools;
using ClassComms.Students;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Consents;

/// <summary>One purpose: whether consent stands, and whether it waits for the student's own answer (re-asked at their age of consent).</summary>
public sealed record ConsentState(string Purpose, bool Given, bool ToConfirmByStudent);

/// <summary>
/// A student's consents now. <c>decidedBy</c> is <c>guardians</c> or <c>student</c> (from the age of consent of the school's
/// jurisdiction). <c>birthDate</c> (<c>yyyy-MM-dd</c>) and <c>studentDecidesFrom</c> are shown to staff and the DPO only.
/// </summary>
public sealed record StudentConsentsView(Guid StudentId, string DecidedBy, DateTimeOffset? StudentDecidesSince, IReadOnlyList<ConsentState> Consents,
    string? BirthDate, DateTimeOffset? StudentDecidesFrom);

public static class GetConsentsEndpoint
{
    public const string Guardians = "guardians";
    public const string TheStudent = "student";

    /// <summary>Read a student's current consents (default: none).</summary>
    /// <remarks>
    /// For the student's linked, unrestricted guardians, the class teacher, leaders, the DPO and the student. Every purpose is listed;
    /// a purpose never given is <c>given: false</c>.
    /// </remarks>
    [ProducesResponseType<StudentConsentsView>(StatusCodes.Status200OK)]
    [WolverineGet("/api/students/{studentId}/consents")]
    public static async Task<IResult> Get(Guid studentId, Caller caller, IQuerySession session, AgeOfConsent ages, TimeProvider clock,
        StaffReads reads, CancellationToken ct)
    {
        var student = await StudentAccess.ReadableAsync(session, caller, studentId, ct);
        if (student is null) return Problems.NotFound("student");
        var school = await session.LoadAsync<School>(caller.SchoolId, ct);
        var studentDecides = await ages.StudentDecidesAsync(student, school, clock.GetUtcNow(), ct);
        var consents = ConsentPurposes.All
            .Select(p => new ConsentState(p, student.HasConsent(p), student.HasConsent(p) && student.ConsentsAwaitingStudent.Contains(p))).ToList();
        string? birthDate = null;
        DateTimeOffset? from = null;
        if (caller.IsStaff)
        {
            birthDate = (await ages.BirthDateAsync(student, ct))?.ToString(AgeOfConsent.BirthDateFormat);
            from = await ages.DueAsync(student, school, ct);
        }

        await reads.RecordAsync(caller, birthDate is null
            ? [new StaffRead(studentId, AccessKinds.Consents)]
            : [new StaffRead(studentId, AccessKinds.Consents), new StaffRead(studentId, AccessKinds.BirthDate)], ct);
        return Results.Ok(new StudentConsentsView(studentId, studentDecides ? TheStudent : Guardians, student.AgeOfConsentReachedAt, consents,
            birthDate, from));
    }
}
