using ClassComms.Classes;
using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Students;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.StudentAccounts;

/// <summary>A registration as the class teacher sees it: the name the student typed (opened for staff of the class), ids and times.</summary>
public sealed record StudentRegistrationView(Guid RegistrationId, Guid ClassId, string? Name, string State, DateTimeOffset RegisteredAt,
    Guid? StudentId, Guid? DecidedBy, DateTimeOffset? DecidedAt);

/// <summary><c>StudentId</c>: an enrolled student of the class (without an account) the registration is; null: a new student of the class.</summary>
public sealed record ApproveStudentRegistration(Guid? StudentId);

/// <summary>
/// The class teacher (or a leader) lists the class's pending registrations, and approves one (as a new student of the class, enrolled
/// with the sealed name the student typed, or as an enrolled student without an account) or refuses it (the name's key is destroyed).
/// Approved, the student's account is created on the login code they got at registration, exactly as a teacher-issued one (its access
/// document in the same transaction), so they see their own record, portfolio and class story, nothing else. Another class's teacher,
/// another school, a guardian or a student: 404 (403 for non-staff on the list). A decided registration: 409. Nothing is stored on a 4xx.
/// </summary>
public static class DecideStudentRegistrationEndpoint
{
    /// <summary>The class's registrations waiting for a decision, oldest first (class teacher or leader).</summary>
    [ProducesResponseType<IReadOnlyList<StudentRegistrationView>>(StatusCodes.Status200OK)]
    [ProducesProblems(403)]
    [WolverineGet("/api/classes/{classId}/student-registrations")]
    public static async Task<IResult> ListStudentRegistrations(Guid classId, Caller caller, IQuerySession session, PersonalDataVault vault, CancellationToken ct)
    {
        if (!caller.IsTeacherOrLeader) return Problems.Forbidden("Only the class teacher or a school leader reads the class's registrations.");
        var schoolClass = await ClassAccess.ReadableAsync(session, caller, classId, ct);
        if (schoolClass is null || !ClassAccess.CanTeach(caller, schoolClass)) return Problems.NotFound("class");

        var pending = await session.Query<StudentRegistration>()
            .Where(r => r.SchoolId == caller.SchoolId && r.ClassId == classId && r.State == StudentRegistration.Pending)
            .OrderBy(r => r.RegisteredAt).ToListAsync(ct);
        await vault.PreloadAsync(pending.Select(r => r.StudentId), ct);
        var views = new List<StudentRegistrationView>(pending.Count);
        foreach (var r in pending) views.Add(await ViewAsync(r, vault, ct));
        return Results.Ok(views);
    }

    /// <summary>Approve a registration: the student's account starts (as a new student of the class, or the enrolled student named).</summary>
    [ProducesResponseType<StudentRegistrationView>(StatusCodes.Status200OK)]
    [ProducesProblems(404, 409)]
    [WolverinePost("/api/student-registrations/{registrationId}/approval")]
    public static async Task<IResult> ApproveStudentRegistration(Guid registrationId, ApproveStudentRegistration? request, Caller caller, IDocumentStore store,
        PersonalDataVault vault, StudentLogins logins, TimeProvider clock, CancellationToken ct)
    {
        await using var session = store.LightweightSession(caller.Tenant);
        var (registration, problem) = await DecidableAsync(session, caller, registrationId, ct);
        if (problem is not null) return problem;

        Student? existing = null;
        if (request?.StudentId is { } matched)
        {
            existing = await session.LoadAsync<Student>(matched, ct);
            if (existing is null || existing.Erased || existing.ClassId != registration!.ClassId) return Problems.Invalid("studentId", "must be a student of the class.");
            if (await StudentLogins.AccountOfAsync(session, caller.SchoolId, matched, ct) is not null)
            {
                return Problems.Conflict("The student already has an account; issue them a login code instead.");
            }
        }

        var now = clock.GetUtcNow();
        var student = existing ?? await session.LoadAsync<Student>(registration!.StudentId, ct);
        if (student is null)
        {
            // A new student of the class, named with the sealed name the student typed (under the reserved id's key), committed first;
            // a retry after a failure finds the student and goes on (the reserved id makes this step idempotent).
            await using var enrol = store.LightweightSession(caller.Tenant);
            var classStream = await enrol.Events.FetchForWriting<SchoolClass>(registration!.ClassId, ct);
            enrol.Events.StartStream<Student>(registration.StudentId,
                new StudentEnrolled(registration.StudentId, caller.UserId, registration.ClassId, registration.Name, now));
            classStream.AppendOne(new StudentJoinedClass(registration.ClassId, registration.StudentId, caller.UserId, now));
            await enrol.SaveChangesAsync(ct);
            student = await session.LoadAsync<Student>(registration.StudentId, ct)
                      ?? throw new InvalidOperationException($"Student {registration.StudentId} was not enrolled.");
        }

        await StudentLogins.LockAsync(session, [student.Id], ct);
        await logins.IssueAsync(session, caller.SchoolId, student, caller.UserId, ct, registration!.CodeIndex);
        registration.State = StudentRegistration.Approved;
        registration.DecidedBy = caller.UserId;
        registration.DecidedAt = now;
        registration.ApprovedStudentId = student.Id;
        session.Store(registration);
        await session.SaveChangesAsync(ct);
        // Matched to an enrolled student: the name typed at registration is not needed; its reserved key goes.
        if (existing is not null) await vault.EraseAsync(caller.Tenant, registration.StudentId, caller.UserId, ct);
        return Results.Ok(await ViewAsync(registration, vault, ct));
    }

    /// <summary>Refuse a registration: its login code never signs in, and the name's key is destroyed.</summary>
    [ProducesResponseType<StudentRegistrationView>(StatusCodes.Status200OK)]
    [ProducesProblems(404, 409)]
    [WolverinePost("/api/student-registrations/{registrationId}/refusal")]
    public static async Task<IResult> RefuseStudentRegistration(Guid registrationId, Caller caller, IDocumentStore store, PersonalDataVault vault,
        Privacy.ErasureLedger ledger, TimeProvider clock, CancellationToken ct)
    {
        await using var session = store.LightweightSession(caller.Tenant);
        var (registration, problem) = await DecidableAsync(session, caller, registrationId, ct);
        if (problem is not null) return problem;

        // The ledger entry first (a restore older than the refusal destroys the key again and refuses the registration again:
        // Privacy/ReapplyErasures.cs), then the key: if the refusal were lost after it, the registration shows no name and is refused again.
        await ledger.RecordAsync(new Privacy.ErasureRecord(registration!.StudentId, Privacy.SubjectKinds.RegistrationKey, caller.SchoolId, caller.UserId,
            clock.GetUtcNow()), ct);
        await vault.EraseAsync(caller.Tenant, registration.StudentId, caller.UserId, ct);
        registration.State = StudentRegistration.Refused;
        registration.DecidedBy = caller.UserId;
        registration.DecidedAt = clock.GetUtcNow();
        session.Store(registration);
        await session.SaveChangesAsync(ct);
        return Results.Ok(await ViewAsync(registration, vault, ct));
    }

    /// <summary>The registration, if the caller teaches its class and it is still pending; else the problem to answer.</summary>
    private static async Task<(StudentRegistration?, IResult?)> DecidableAsync(IDocumentSession session, Caller caller, Guid registrationId,
        CancellationToken ct)
    {
        if (!caller.IsTeacherOrLeader) return (null, Problems.NotFound("registration"));
        var registration = await session.LoadAsync<StudentRegistration>(registrationId, ct);
        if (registration is null || registration.SchoolId != caller.SchoolId) return (null, Problems.NotFound("registration"));
        var schoolClass = await ClassAccess.ReadableAsync(session, caller, registration.ClassId, ct);
        if (schoolClass is null || !ClassAccess.CanTeach(caller, schoolClass)) return (null, Problems.NotFound("registration"));
        await AdvisoryLocks.TakeAsync(session, AdvisoryLocks.Keys("student-registration", [registrationId]), ct);
        registration = await session.LoadAsync<StudentRegistration>(registrationId, ct);
        if (registration!.State != StudentRegistration.Pending) return (null, Problems.Conflict($"The registration is already {registration.State}."));
        return (registration, null);
    }

    private static async Task<StudentRegistrationView> ViewAsync(StudentRegistration r, PersonalDataVault vault, CancellationToken ct) =>
        new(r.Id, r.ClassId, r.State == StudentRegistration.Refused ? null : await vault.UnsealAsync(r.Name, ct), r.State, r.RegisteredAt,
            r.ApprovedStudentId, r.DecidedBy, r.DecidedAt);
}
