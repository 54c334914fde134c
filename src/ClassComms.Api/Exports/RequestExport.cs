using ClassComms.Accounts;
using ClassComms.Dpo;
using ClassComms.Platform;
using ClassComms.Schools;
using ClassComms.Students;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace ClassComms.Exports;

/// <summary>
/// <c>subjectKind</c>: student, guardian or staff; <c>scope</c>: all (access) or providedBySubject (portability); <c>language</c> of the
/// summary page: fr or en (default: the school's, French for a Quebec or French-speaking European jurisdiction).
/// </summary>
public sealed record RequestExport(string? SubjectKind, Guid? SubjectId, string? Scope, string? Language);

public static class RequestExportEndpoint
{
    /// <summary>Request a subject access export (DPO): 202 with its status; it is built in the background.</summary>
    [ProducesResponseType<ExportView>(StatusCodes.Status202Accepted)]
    [ProducesProblems(400, 403, 404)]
    [WolverinePost("/api/exports")]
    public static async Task<(IResult, OutgoingMessages)> Post(RequestExport request, Caller caller, IDocumentSession session, TimeProvider clock,
        CancellationToken ct)
    {
        if (caller.Role != Role.Dpo) return (Problems.Forbidden("Only the school's data protection officer requests a subject access export."), []);
        var validation = new Validation();
        if (request.SubjectKind is null || !ExportKinds.Subjects.Contains(request.SubjectKind))
            validation.Add("subjectKind", $"must be one of {string.Join(", ", ExportKinds.Subjects)}.");
        if (request.SubjectId is null || request.SubjectId == Guid.Empty) validation.Add("subjectId", "is required.");
        if (request.Scope is not null && !ExportKinds.Scopes.Contains(request.Scope))
            validation.Add("scope", $"must be one of {string.Join(", ", ExportKinds.Scopes)}.");
        if (request.Language is not null && !ExportKinds.Languages.Contains(request.Language))
            validation.Add("language", $"must be one of {string.Join(", ", ExportKinds.Languages)}.");
        if (!validation.IsValid) return (validation.ToResult(), []);

        var subjectId = request.SubjectId!.Value;
        if (!await IsSubjectOfSchoolAsync(session, caller.SchoolId, request.SubjectKind!, subjectId, ct)) return (Problems.NotFound("subject"), []);
        var school = await session.LoadAsync<School>(caller.SchoolId, ct);
        var now = clock.GetUtcNow();
        var requested = ExportRequests.New(school, caller.UserId, subjectId, request.SubjectKind!, request.Scope, request.Language, now);
        session.Events.StartStream<SubjectExport>(requested.ExportId, requested);
        var export = SubjectExport.Create(requested);
        return (Results.Accepted($"/api/exports/{export.Id}", ExportView.Of(export, now)), [new RunExport(caller.SchoolId, export.Id)]);
    }

    /// <summary>The subject exists in the school and is not erased: a student of it, or a guardian's or staff member's membership in it.</summary>
    public static async Task<bool> IsSubjectOfSchoolAsync(IQuerySession session, Guid schoolId, string kind, Guid subjectId, CancellationToken ct)
    {
        if (kind == ExportKinds.Student) return await session.LoadAsync<Student>(subjectId, ct) is { Erased: false };
        var account = await session.LoadAsync<UserAccount>(subjectId, ct);
        if (account is null || account.SchoolId != schoolId || account.ErasedAt is not null) return false;
        return kind == ExportKinds.Guardian ? account.Role == Role.Guardian : account.Role is Role.Teacher or Role.Leader or Role.Dpo;
    }

    /// <summary>French for a school whose jurisdiction is Quebec or a French-speaking European state, else English.</summary>
    public static string LanguageOf(School? school) =>
        school?.ConsentJurisdiction?.ToUpperInvariant() is "CA-QC" or "FR" or "BE" or "LU" or "MC" ? "fr" : "en";
}

/// <summary>The one way an export request is made (the DPO's and a person's own): the school's regime and its due date, the language.</summary>
public static class ExportRequests
{
    /// <summary>
    /// A new request at <paramref name="now"/>: <paramref name="scope"/> defaults to all, <paramref name="language"/> to the school's
    /// (<see cref="RequestExportEndpoint.LanguageOf"/>); the regime is the school's and the due date its deadline, not extended.
    /// </summary>
    public static ExportRequested New(School? school, Guid requestedBy, Guid subjectId, string subjectKind, string? scope, string? language,
        DateTimeOffset now)
    {
        var regime = RequestDeadlines.Of(school);
        return new ExportRequested(Guid.CreateVersion7(), requestedBy, subjectId, subjectKind, scope ?? ExportKinds.All,
            language ?? RequestExportEndpoint.LanguageOf(school), RequestDeadlines.Code(regime),
            RequestDeadlines.DueAt(regime, now, false, RequestDeadlines.ZoneOf(school)), now);
    }
}
