using ClassComms.Accounts;
using ClassComms.PersonalData;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

namespace ClassComms.StudentAccounts;

public sealed record RegisterStudent(string ClassCode, string Name);

/// <summary>
/// A registration as answered to the student: <c>Code</c> is their own login code, shown once; it signs in once the teacher approves
/// (until then sign-in answers 403, refused: 401).
/// </summary>
public sealed record StudentRegistered(Guid RegistrationId, string State, string Code, DateTimeOffset RegisteredAt);

/// <summary>
/// A student registers themselves with their class's code (<see cref="IssueClassRegistrationCodeEndpoint"/>) and the name they go by:
/// 202, a pending registration the class teacher approves or refuses (<see cref="DecideStudentRegistrationEndpoint"/>). The name is
/// sealed at once (never stored in plain text); the answer carries the student's own login code. Anonymous; throttled like the code
/// sign-in (<see cref="LoginThrottle"/>: per class code, by its keyed hash, and per client address: wrong codes wait, 429); at most
/// <see cref="MaxPending"/> pending registrations per class (409). Bad input: 400 naming the field; a wrong or stopped code: 400
/// <c>classCode</c>. Nothing is stored on any 4xx. In the registration's transaction (the durable outbox): its expiry after
/// <see cref="Lifetime"/> is scheduled (<see cref="ExpireStudentRegistration"/>) and the class's teacher is told after the commit
/// (<see cref="StudentRegistrationArrived"/>, ids only).
/// </summary>
public static class RegisterStudentEndpoint
{
    public const int MaxPending = 60;
    public const int MaxName = 100;

    /// <summary>A registration the teacher has not decided within this time expires (its name's key destroyed, as for a refusal).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(14);

    /// <summary>Register as a student of a class with its class code: 202, pending the teacher's approval.</summary>
    [AllowAnonymous]
    [ProducesResponseType<StudentRegistered>(StatusCodes.Status202Accepted)]
    [ProducesProblems(409, 429)]
    [WolverinePost("/api/student-registrations")]
    public static async Task<IResult> Post(RegisterStudent request, HttpContext http, IDocumentStore store, BlindIndex index, LoginThrottle throttle,
        PersonalDataVault vault, IMartenOutbox outbox, TimeProvider clock, CancellationToken ct)
    {
        var validation = new Validation();
        var normalised = StudentLoginCode.Normalise(request.ClassCode ?? "");
        if (normalised.Length is 0 or > 64) validation.Add("classCode", "is required (at most 64 characters).");
        validation.Require(request.Name, "name", MaxName);
        if (!validation.IsValid) return validation.ToResult();

        var candidates = index.AllOf(ClassRegistrationCode.Purpose, normalised).ToArray();
        var codeKey = $"class-code:{candidates[0]}";
        var addressKey = LoginThrottle.AddressKey(http.Connection.RemoteIpAddress);
        if (await throttle.TryAttemptAsync(codeKey, addressKey, ct) is { } wait) return LoginEndpoint.TooManyAttempts(http, wait);

        ClassRegistrationCode? classCode;
        await using (var lookup = store.QuerySession())
        {
            classCode = await lookup.Query<ClassRegistrationCode>().FirstOrDefaultAsync(c => c.Id.IsOneOf(candidates) && c.RevokedAt == null, ct);
        }

        if (classCode is null) return Problems.Invalid("classCode", "is not a valid class code.");
        await throttle.SucceededAsync(codeKey, addressKey, ct);

        await using var session = store.LightweightSession(Ids.Tenant(classCode.SchoolId));
        await AdvisoryLocks.TakeAsync(session, AdvisoryLocks.Keys("student-registrations", [classCode.ClassId]), ct);
        var pending = await session.Query<StudentRegistration>()
            .CountAsync(r => r.SchoolId == classCode.SchoolId && r.ClassId == classCode.ClassId && r.State == StudentRegistration.Pending, ct);
        if (pending >= MaxPending) return Problems.Conflict("The class has too many registrations waiting for the teacher; ask them to decide first.");

        var now = clock.GetUtcNow();
        var code = StudentLoginCode.NewCode();
        var studentId = Guid.CreateVersion7();
        var registration = new StudentRegistration
        {
            Id = Guid.CreateVersion7(),
            SchoolId = classCode.SchoolId,
            ClassId = classCode.ClassId,
            ClassCodeId = classCode.CodeId,
            StudentId = studentId,
            Name = await vault.SealAsync(Ids.Tenant(classCode.SchoolId), studentId, StudentLogins.NameField, request.Name.Trim(), ct),
            CodeIndex = index.Of(StudentLoginCode.Purpose, StudentLoginCode.Normalise(code)),
            RegisteredAt = now,
            ExpiresAt = now + Lifetime,
        };
        session.Store(registration);
        outbox.Enroll(session);
        await outbox.ScheduleAsync(new ExpireStudentRegistration(registration.SchoolId, registration.Id), registration.ExpiresAt);
        await outbox.PublishAsync(new StudentRegistrationArrived(registration.SchoolId, registration.Id));
        await session.SaveChangesAsync(ct);
        return Results.Accepted($"/api/student-registrations/{registration.Id}",
            new StudentRegistered(registration.Id, registration.State, code, now));
    }
}
