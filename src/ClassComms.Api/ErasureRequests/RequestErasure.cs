using ClassComms.Accounts;
using ClassComms.Dpo;
using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Privacy;
using ClassComms.Schools;
using ClassComms.Students;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.ErasureRequests;

/// <summary>The requester's optional note (free text: sealed under the subject's key, read by the DPO only).</summary>
public sealed record RequestErasure(string? Note);

/// <summary>
/// Someone asks for a person's erasure; the DPO decides (<see cref="ApproveErasureRequestEndpoint"/>, <see cref="RefuseErasureRequestEndpoint"/>).
/// Who may ask: a guardian for themselves or for a child they are linked to without restriction (any other child: 404); staff (teachers,
/// leaders) for a student, guardian or staff member of the school (themselves included); the DPO for anyone of the school. Students ask through a guardian or staff (403). The request is due by the school's regime
/// (<see cref="RequestDeadlines"/>). One open request per subject (409); an erased subject is 409 too, and so is the school's last leader
/// or last DPO (<see cref="SchoolControllers"/>).
/// </summary>
public static class RequestErasureEndpoint
{
    public const int MaxNoteLength = 2000;

    /// <summary>Ask for a student's erasure (a linked guardian, staff, the DPO): 201 and the request.</summary>
    [ProducesResponseType<ErasureRequestView>(StatusCodes.Status201Created)]
    [ProducesProblems(403, 409)]
    [WolverinePost("/api/erasure-requests/students/{studentId}")]
    public static async Task<IResult> PostForStudent(Guid studentId, RequestErasure request, Caller caller, IDocumentSession session,
        PersonalDataVault vault, TimeProvider clock, CancellationToken ct)
    {
        if (caller.Role == Role.Student) return Problems.Forbidden("A student's erasure is asked for by a guardian or by staff.");
        if (Invalid(request) is { } invalid) return invalid;
        var student = await session.LoadAsync<Student>(studentId, ct);
        if (student is null) return Problems.NotFound("student");
        if (caller.Role == Role.Guardian && !student.VisibleGuardianIds.Contains(caller.UserId)) return Problems.NotFound("student");
        return await ReceiveAsync(request, caller, session, vault, clock, SubjectKinds.Student, studentId, ct);
    }

    /// <summary>Ask for a guardian's erasure (the guardian themselves, staff, the DPO): 201 and the request.</summary>
    [ProducesResponseType<ErasureRequestView>(StatusCodes.Status201Created)]
    [ProducesProblems(403, 409)]
    [WolverinePost("/api/erasure-requests/guardians/{guardianId}")]
    public static async Task<IResult> PostForGuardian(Guid guardianId, RequestErasure request, Caller caller, IDocumentSession session,
        PersonalDataVault vault, TimeProvider clock, CancellationToken ct)
    {
        if (caller.Role == Role.Student) return Problems.Forbidden("A student's erasure is asked for by a guardian or by staff.");
        if (Invalid(request) is { } invalid) return invalid;
        if (caller.Role == Role.Guardian && guardianId != caller.UserId) return Problems.NotFound("guardian");
        var account = await session.LoadAsync<UserAccount>(guardianId, ct);
        if (account is null || account.SchoolId != caller.SchoolId || account.Role != Role.Guardian) return Problems.NotFound("guardian");
        return await ReceiveAsync(request, caller, session, vault, clock, SubjectKinds.Guardian, guardianId, ct);
    }

    /// <summary>Ask for a staff member's erasure (the staff member themselves, another staff member, the DPO): 201 and the request.</summary>
    [ProducesResponseType<ErasureRequestView>(StatusCodes.Status201Created)]
    [ProducesProblems(403, 409)]
    [WolverinePost("/api/erasure-requests/staff/{staffId}")]
    public static async Task<IResult> PostForStaff(Guid staffId, RequestErasure request, Caller caller, IDocumentSession session,
        PersonalDataVault vault, TimeProvider clock, CancellationToken ct)
    {
        if (caller.Role == Role.Student) return Problems.Forbidden("A student's erasure is asked for by a guardian or by staff.");
        if (Invalid(request) is { } invalid) return invalid;
        if (!caller.IsStaff) return Problems.NotFound("staff member");
        var account = await session.LoadAsync<UserAccount>(staffId, ct);
        if (account is null || account.SchoolId != caller.SchoolId || !IsStaff(account.Role)) return Problems.NotFound("staff member");
        if (await SchoolControllers.RefusalAsync(session, account, ct) is { } lastController) return lastController;
        return await ReceiveAsync(request, caller, session, vault, clock, SubjectKinds.Staff, staffId, ct);
    }

    public static bool IsStaff(Role role) => role is Role.Teacher or Role.Leader or Role.Dpo;

    private static IResult? Invalid(RequestErasure request) =>
        request.Note is { Length: > MaxNoteLength } ? Problems.Invalid("note", $"must be at most {MaxNoteLength} characters.") : null;

    private static async Task<IResult> ReceiveAsync(RequestErasure request, Caller caller, IDocumentSession session, PersonalDataVault vault,
        TimeProvider clock, string kind, Guid subjectId, CancellationToken ct)
    {
        if (await session.LoadAsync<Erasure>(Erasure.IdFor(subjectId), ct) is not null) return Problems.Conflict("This person is already erased.");
        if (await session.Query<ErasureRequest>().AnyAsync(r => r.SubjectId == subjectId && r.RefusedAt == null && r.ApprovedAt == null, ct))
        {
            return Problems.Conflict("An erasure request for this person is already open.");
        }

        var now = clock.GetUtcNow();
        var received = await NewAsync(session, caller, kind, subjectId, now, ct);
        if (!string.IsNullOrWhiteSpace(request.Note))
        {
            received = received with
            {
                Note = await vault.SealAsync(caller.Tenant, subjectId, ErasureRequestView.NoteField, received.RequestId.ToString(), request.Note.Trim(), ct),
            };
        }

        session.Events.StartStream<ErasureRequest>(received.RequestId, received);
        return Results.Created($"/api/erasure-requests/{received.RequestId}", ErasureRequestView.Of(ErasureRequest.Create(received), now));
    }

    /// <summary>A new request's first event, due by the school's regime in its time zone.</summary>
    public static async Task<ErasureRequestReceived> NewAsync(IQuerySession session, Caller caller, string kind, Guid subjectId, DateTimeOffset now,
        CancellationToken ct)
    {
        var school = await session.LoadAsync<School>(caller.SchoolId, ct);
        var regime = RequestDeadlines.Of(school);
        var due = RequestDeadlines.DueAt(regime, now, false, RequestDeadlines.ZoneOf(school));
        return new ErasureRequestReceived(Guid.CreateVersion7(), caller.UserId, RoleCode(caller.Role), subjectId, kind, RequestDeadlines.Code(regime),
            due, null, now);
    }

    public static string RoleCode(Role role) => role.ToString().ToLowerInvariant();
}
