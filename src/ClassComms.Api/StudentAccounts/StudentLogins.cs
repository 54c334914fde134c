using ClassComms.Accounts;
using ClassComms.Audience;
using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Students;
using Marten;

namespace ClassComms.StudentAccounts;

/// <summary>A login code as issued: shown once. <c>Code</c> is what a student types, or what the client encodes in a QR code.</summary>
public sealed record StudentLoginIssued(Guid StudentId, Guid CodeId, string Code, DateTimeOffset IssuedAt);

/// <summary>
/// Student accounts: one membership (role student) per student, tied to the student's id, on a login of its own that has no
/// e-mail and no password (its e-mail index is a placeholder no blind index can equal). The membership's name is the student's
/// own sealed name (under the student's key), so erasing the student shreds it. A student signs in with a login code only.
/// </summary>
public sealed class StudentLogins(BlindIndex index, SessionRevocation revocation, TimeProvider clock)
{
    /// <summary>The vault field of a student's name (as enrolment seals it; a self-registration seals the typed name the same way).</summary>
    public const string NameField = "student.name";

    /// <summary>
    /// Stages the student's account if it has none, revokes their live codes (ending their sessions) and a new code.
    /// Call <see cref="LockAsync"/> first (with every student of the request), so two issues at once make one account.
    /// <paramref name="codeIndex"/>: the keyed hash of a code the student already holds (a self-registration, approved: the code was
    /// shown to them when they registered); the answer's <c>Code</c> is then empty.
    /// </summary>
    public async Task<StudentLoginIssued> IssueAsync(IDocumentSession session, Guid schoolId, Student student, Guid issuedBy, CancellationToken ct,
        string? codeIndex = null)
    {
        var membership = await AccountOfAsync(session, schoolId, student.Id, ct) ?? await NewAccountAsync(session, schoolId, student, ct);
        await RevokeCodesAsync(session, schoolId, student.Id, membership, ct);

        var code = codeIndex is null ? StudentLoginCode.NewCode() : "";
        var now = clock.GetUtcNow();
        var issued = new StudentLoginCode
        {
            Id = codeIndex ?? index.Of(StudentLoginCode.Purpose, StudentLoginCode.Normalise(code)),
            CodeId = Guid.CreateVersion7(),
            SchoolId = schoolId,
            StudentId = student.Id,
            MembershipId = membership.Id,
            IssuedBy = issuedBy,
            IssuedAt = now,
        };
        session.Store(issued);
        return new StudentLoginIssued(student.Id, issued.CodeId, code, now);
    }

    /// <summary>Stages the revocation of the student's live codes; their sessions end too. False when there was none.</summary>
    public async Task<bool> RevokeAsync(IDocumentSession session, Guid schoolId, Guid studentId, CancellationToken ct)
    {
        await LockAsync(session, [studentId], ct);
        var membership = await AccountOfAsync(session, schoolId, studentId, ct);
        return membership is not null && await RevokeCodesAsync(session, schoolId, studentId, membership, ct);
    }

    /// <summary>The student's live account in the school, or null.</summary>
    public static async Task<UserAccount?> AccountOfAsync(IQuerySession session, Guid schoolId, Guid studentId, CancellationToken ct) =>
        await session.Query<UserAccount>()
            .FirstOrDefaultAsync(m => m.SchoolId == schoolId && m.StudentId == studentId && m.Role == Role.Student && m.ErasedAt == null, ct);

    /// <summary>The live accounts of these students (push recipients).</summary>
    public static async Task<IReadOnlyList<UserAccount>> AccountsOfAsync(IQuerySession session, Guid schoolId, Guid studentId, CancellationToken ct) =>
        await session.Query<UserAccount>()
            .Where(m => m.SchoolId == schoolId && m.StudentId == studentId && m.Role == Role.Student && m.ErasedAt == null).ToListAsync(ct);

    private async Task<bool> RevokeCodesAsync(IDocumentSession session, Guid schoolId, Guid studentId, UserAccount membership, CancellationToken ct)
    {
        var live = await session.Query<StudentLoginCode>()
            .Where(c => c.SchoolId == schoolId && c.StudentId == studentId && c.RevokedAt == null).ToListAsync(ct);
        if (live.Count == 0) return false;
        foreach (var code in live)
        {
            code.RevokedAt = clock.GetUtcNow();
            session.Store(code);
        }

        await revocation.RevokeMembershipAsync(session, membership.Id, ct);
        return true;
    }

    /// <summary>
    /// Stages the account and, on the student's stream (locked for the transaction), <see cref="StudentAccountLinked"/>: the
    /// account's access document (Audience/) is written from it in the same transaction, so the account reads its own record
    /// and portfolio from its first sign-in.
    /// </summary>
    private async Task<UserAccount> NewAccountAsync(IDocumentSession session, Guid schoolId, Student student, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var membershipId = Guid.CreateVersion7();
        var login = new LoginAccount
        {
            Id = Guid.CreateVersion7(),
            EmailIndex = LoginIndex(membershipId),
            Email = null,
            PasswordHash = "",
            SecurityStamp = SecurityStamps.New(),
            LastMembershipId = membershipId,
            CreatedAt = now,
        };
        var membership = new UserAccount
        {
            Id = membershipId,
            LoginId = login.Id,
            SchoolId = schoolId,
            Role = Role.Student,
            StudentId = student.Id,
            Name = student.Name ?? throw new InvalidOperationException("An erased student has no account."),
            SecurityStamp = SecurityStamps.New(),
            CreatedAt = now,
        };
        session.Store(login);
        session.Store(membership);
        var stream = await session.Events.FetchForExclusiveWriting<Student>(student.Id, ct);
        stream.AppendOne(new StudentAccountLinked(student.Id, membershipId, now));
        return membership;
    }

    /// <summary>
    /// Erasure of the student (at the request and again at its last step, and when the ledger is re-applied): their login codes
    /// deleted, their account and its login disabled (every session fails from the next request, connections close).
    /// </summary>
    public static async Task EraseAccountsAsync(IDocumentSession session, Guid schoolId, Guid studentId, DateTimeOffset now, CancellationToken ct)
    {
        session.DeleteWhere<StudentLoginCode>(c => c.SchoolId == schoolId && c.StudentId == studentId);
        var accounts = await session.Query<UserAccount>()
            .Where(m => m.SchoolId == schoolId && m.StudentId == studentId && m.Role == Role.Student).ToListAsync(ct);
        foreach (var account in accounts)
        {
            if (Privacy.ErasureSteps.Disable(account, now)) session.Store(account);
            if (await session.LoadAsync<LoginAccount>(account.LoginId, ct) is { } login && Privacy.ErasureSteps.DisableLogin(login, now)) session.Store(login);
        }
    }

    /// <summary>True while the student has a live account or login code (checked by the erasure's read-back).</summary>
    public static async Task<bool> HasAccessAsync(IQuerySession session, Guid schoolId, Guid studentId, CancellationToken ct) =>
        await session.Query<UserAccount>().AnyAsync(m => m.SchoolId == schoolId && m.StudentId == studentId && m.ErasedAt == null, ct)
        || await session.Query<StudentLoginCode>().AnyAsync(c => c.SchoolId == schoolId && c.StudentId == studentId, ct);

    /// <summary>The e-mail index of a student's login: a placeholder no blind index (HMAC, base64) can equal; it keeps the index unique.</summary>
    public static string LoginIndex(Guid membershipId) => $"student:{membershipId:N}";

    /// <summary>Opens the session's transaction and serialises it with any other issue or revocation for these students (id order).</summary>
    public static Task LockAsync(IDocumentSession session, IEnumerable<Guid> studentIds, CancellationToken ct) =>
        AdvisoryLocks.TakeAsync(session, AdvisoryLocks.Keys("student-login", studentIds), ct);
}
