using Wolverine;
using ClassComms.Accounts;
using ClassComms.Media;
using ClassComms.Notifications;
using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Students;
using JasperFx;
using Marten;
using Wolverine.ErrorHandling;
using Wolverine.Runtime.Handlers;

namespace ClassComms.Privacy;

/// <summary>
/// Runs an erasure to the end, durably: cascaded from the request's transaction (Wolverine outbox), retried
/// with back-off until every step is done, then dead-lettered (ids only) for an operator to look at.
/// </summary>
public static class ContinueErasureHandler
{
    /// <summary>Real work against Blob Storage and two databases: seconds between quick retries, then minutes. This message type only.</summary>
    public static void Configure(HandlerChain chain)
    {
        DurableWorkRetries.Apply(chain);
    }

    /// <summary>Runs the steps; once the erasure is complete, its certificate is issued (ErasureRequests/, a durable message of its own).</summary>
    public static async Task<ErasureRequests.IssueErasureCertificates> Handle(ContinueErasure command, ErasureSteps steps, IMessageBus bus, CancellationToken ct)
    {
        await steps.RunAsync(command.SchoolId, command.SubjectId, ct);
        // Story posts whose media the erasure removed: tell their viewers (Stories/, ids only).
        await bus.PublishAsync(new Stories.PushStoryMediaRemovals(command.SchoolId));
        await bus.PublishAsync(new PushChildRemoved(command.SchoolId, command.SubjectId)); // an erased student's guardians drop the child (ids only)
        return new ErasureRequests.IssueErasureCertificates(command.SchoolId, command.SubjectId);
    }
}

/// <summary>
/// The steps of an erasure, in the order that keeps a failure anywhere safe: ledger → key → blobs → the read side
/// forgets the person. Each step is idempotent and checks its effect before its progress event is written, so
/// the erasure is never reported done before it is. Used by the workflow and by the re-application of the ledger.
/// </summary>
public sealed class ErasureSteps(IDocumentStore store, ErasureLedger ledger, PersonalDataVault vault, SubjectKeyStore keys,
    MediaStore media, TimeProvider clock, ILogger<ErasureSteps> logger, Exports.ExportStore exports)
{
    private const int ConcurrencyAttempts = 8;

    /// <summary>Starts the erasure stream from a ledger entry if this database has none (a restore older than the erasure).</summary>
    public async Task EnsureRequestedAsync(ErasureRecord record, CancellationToken ct)
    {
        await using var session = store.LightweightSession(Ids.Tenant(record.SchoolId));
        var erasureId = Erasure.IdFor(record.SubjectId);
        var stream = await session.Events.FetchForWriting<Erasure>(erasureId, ct);
        if (stream.Aggregate is not null) return;
        stream.AppendOne(new ErasureRequested(erasureId, record.RequestedBy, record.SubjectId, record.SubjectKind, record.At));
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (ConcurrencyException)
        {
            // Started concurrently (the workflow, or another node re-applying): that stream serves as well.
        }
    }

    /// <summary>Runs every step; those already done are verified and cost a read. Throws if a step cannot be completed now.</summary>
    public async Task RunAsync(Guid schoolId, Guid subjectId, CancellationToken ct)
    {
        var tenant = Ids.Tenant(schoolId);
        Erasure? erasure;
        await using (var query = store.QuerySession(tenant))
        {
            erasure = await query.LoadAsync<Erasure>(Erasure.IdFor(subjectId), ct);
        }

        if (erasure is null)
        {
            logger.LogWarning("No erasure stream for subject {SubjectId} in school {SchoolId}; nothing to continue", subjectId, schoolId);
            return;
        }

        // 1. Ledger: outside the database, so a restore of an older backup is followed by this erasure again.
        var entry = await ledger.RecordAsync(new ErasureRecord(subjectId, erasure.SubjectKind, schoolId, erasure.RequestedBy, erasure.RequestedAt), ct);
        if (entry.SubjectKind != erasure.SubjectKind) throw new InvalidOperationException($"The ledger entry of subject {subjectId} names another kind.");
        if (erasure.LedgerRecordedAt is null) await AppendProgressAsync(tenant, erasure.Id, new ErasureLedgerRecorded(erasure.Id, clock.GetUtcNow()), ct);

        // 2. Key: destroyed, the fence row checked.
        await DestroyKeyAsync(tenant, subjectId, erasure.RequestedBy, ct);
        if (erasure.KeyDestroyedAt is null) await AppendProgressAsync(tenant, erasure.Id, new ErasureKeyDestroyed(erasure.Id, clock.GetUtcNow()), ct);

        // 3. Blobs: media by or about the person (direct uploads into a quarantine container are retired).
        var mediaDeleted = await DeleteBlobsAsync(tenant, erasure, ct);
        if (erasure.BlobsDeletedAt is null) await AppendProgressAsync(tenant, erasure.Id, new ErasureBlobsDeleted(erasure.Id, mediaDeleted, clock.GetUtcNow()), ct);

        // 3a. Their subject access exports: blobs deleted (the key is already gone) and marked shredded (Exports/ExportStore.cs).
        await exports.ShredForSubjectAsync(tenant, schoolId, subjectId, ct);
        // A guardian's words are also in the exports of their children and of the other guardians of their threads: shredded too.
        if (erasure.SubjectKind == SubjectKinds.Guardian) await exports.ShredQuotingAsync(tenant, schoolId, subjectId, ct);

        // 3b. A person's login (e-mail, password) goes with their last membership: disabled, its own key destroyed. Memberships in
        // other schools, and so the login, stay: the school is the controller of its membership only.
        if (erasure.SubjectKind is SubjectKinds.Guardian or SubjectKinds.Staff) await EraseLoginIfLastAsync(subjectId, erasure.RequestedBy, ct);

        // 4. The read side forgets the person, and the erasure is marked complete in the same transaction.
        await ForgetAsync(tenant, schoolId, erasure, ct);
    }

    /// <summary>A school's shred (<see cref="Schools.ShredSchool"/>), from its ledger entry: the school's own key destroyed, the fence checked.</summary>
    public Task ShredSchoolAsync(ErasureRecord record, CancellationToken ct)
    {
        if (record.SubjectKind != SubjectKinds.School || record.SubjectId != record.SchoolId)
        {
            throw new InvalidOperationException($"The ledger entry of subject {record.SubjectId} is not a school shred.");
        }

        return DestroyKeyAsync(Ids.Tenant(record.SchoolId), record.SchoolId, record.RequestedBy, ct);
    }

    /// <summary>A retention key's destruction (<see cref="Retention.RetentionRunner"/>), from its ledger entry: the key destroyed, the fence checked.</summary>
    public Task DestroyRetentionKeyAsync(ErasureRecord record, CancellationToken ct)
    {
        if (record.SubjectKind != SubjectKinds.RetentionKey) throw new InvalidOperationException($"The ledger entry of subject {record.SubjectId} is not a retention key.");
        return DestroyKeyAsync(Ids.Tenant(record.SchoolId), record.SubjectId, record.RequestedBy, ct);
    }

    /// <summary>
    /// Destroys a refused self-registration's key again (idempotent) and refuses the registration if a restore brought it back pending,
    /// so its code never signs in and no one approves a name no longer readable.
    /// </summary>
    public async Task DestroyRegistrationKeyAsync(ErasureRecord record, CancellationToken ct)
    {
        if (record.SubjectKind != SubjectKinds.RegistrationKey) throw new InvalidOperationException($"The ledger entry of subject {record.SubjectId} is not a registration key.");
        await DestroyKeyAsync(Ids.Tenant(record.SchoolId), record.SubjectId, record.RequestedBy, ct);
        await using var session = store.LightweightSession();
        var restored = await session.Query<StudentAccounts.StudentRegistration>()
            .Where(r => r.StudentId == record.SubjectId && r.State == StudentAccounts.StudentRegistration.Pending).ToListAsync(ct);
        foreach (var registration in restored)
        {
            registration.State = StudentAccounts.StudentRegistration.Refused;
            registration.DecidedBy = record.RequestedBy;
            registration.DecidedAt = record.At;
            session.Store(registration);
        }

        if (restored.Count > 0) await session.SaveChangesAsync(ct);
    }

    private async Task EraseLoginIfLastAsync(Guid membershipId, Guid erasedBy, CancellationToken ct)
    {
        Guid loginId;
        await using (var session = store.LightweightSession())
        {
            var membership = await session.LoadAsync<UserAccount>(membershipId, ct);
            if (membership is null) return;
            loginId = membership.LoginId;
            if (Disable(membership, clock.GetUtcNow())) session.Store(membership);
            if (!await DisableLoginIfLastAsync(session, membership, clock.GetUtcNow(), ct)) return;
            await session.SaveChangesAsync(ct);
        }

        await DestroyKeyAsync(LoginAccount.Tenant, loginId, erasedBy, ct);
    }

    private async Task DestroyKeyAsync(string tenant, Guid subjectId, Guid erasedBy, CancellationToken ct)
    {
        // Erased means: a fence row, and no row (of any period) holding a wrapped key.
        static bool Erased(IReadOnlyList<SubjectKeyRow> rows) => rows.Any(r => r.ErasedAt is not null) && rows.All(r => r.WrappedKey is null);

        if (Erased(await keys.FindAsync([subjectId], ct)))
        {
            vault.Evict(subjectId);
            return;
        }

        await vault.EraseAsync(tenant, subjectId, erasedBy, ct);
        if (!Erased(await keys.FindAsync([subjectId], ct)))
        {
            throw new InvalidOperationException($"The key of subject {subjectId} is not destroyed after erasure (it may belong to another tenant).");
        }
    }

    private async Task<int> DeleteBlobsAsync(string tenant, Erasure erasure, CancellationToken ct)
    {
        await using var session = store.LightweightSession(tenant);
        var subject = erasure.SubjectId;
        var items = erasure.SubjectKind == SubjectKinds.Student
            ? await session.Query<MediaObject>().Where(m => m.Subjects.Contains(subject)).ToListAsync(ct)
            : await session.Query<MediaObject>().Where(m => m.UploadedBy == subject).ToListAsync(ct);

        // Every blob is deleted again, even of media already marked deleted: Blob Storage may have been restored too.
        foreach (var item in items)
        {
            await media.DeleteAsync(item, ct);
            session.Store(item);
        }

        await session.SaveChangesAsync(ct);

        foreach (var item in items)
        {
            if (await media.Media.GetBlobClient(item.BlobName).ExistsAsync(ct)) throw new InvalidOperationException($"The blob of media {item.Id} still exists.");
        }

        return items.Count;
    }

    private async Task ForgetAsync(string tenant, Guid schoolId, Erasure erasure, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var session = store.LightweightSession(tenant);
                var now = clock.GetUtcNow();
                if (erasure.SubjectKind == SubjectKinds.Student) await ForgetStudentAsync(session, schoolId, erasure, now, ct);
                else await ForgetGuardianAsync(session, schoolId, erasure, now, ct); // a staff membership: the same (it has no links)

                var stream = await session.Events.FetchForWriting<Erasure>(erasure.Id, ct);
                if (stream.Aggregate is { CompletedAt: null }) stream.AppendOne(new ErasureCompleted(erasure.Id, now));
                await session.SaveChangesAsync(ct);
                break;
            }
            catch (ConcurrencyException) when (attempt < ConcurrencyAttempts)
            {
                // Someone wrote to the student's stream at the same moment (e.g. a point): read again and retry.
                await Task.Delay(TimeSpan.FromMilliseconds(20 * attempt), ct);
            }
        }

        await VerifyForgottenAsync(tenant, schoolId, erasure, ct);
    }

    private static async Task ForgetStudentAsync(IDocumentSession session, Guid schoolId, Erasure erasure, DateTimeOffset now, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<Student>(erasure.SubjectId, ct);
        if (stream.Aggregate is { Erased: false }) stream.AppendOne(new StudentErased(erasure.SubjectId, erasure.RequestedBy, now));
        await RevokeOutstandingCodesAsync(session, schoolId, erasure.SubjectId, now, ct);
        await StudentAccounts.StudentLogins.EraseAccountsAsync(session, schoolId, erasure.SubjectId, now, ct);
    }

    private static async Task ForgetGuardianAsync(IDocumentSession session, Guid schoolId, Erasure erasure, DateTimeOffset now, CancellationToken ct)
    {
        var guardianId = erasure.SubjectId;
        var account = await session.LoadAsync<UserAccount>(guardianId, ct);
        if (account is not null && account.SchoolId == schoolId)
        {
            if (Disable(account, now)) session.Store(account);
            await DisableLoginIfLastAsync(session, account, now, ct);
        }

        await Stories.StoryContributions.ForgetAsync(session, guardianId, now, ct);
        foreach (var student in await session.Query<Student>().Where(s => s.GuardianIds.Contains(guardianId)).ToListAsync(ct))
        {
            var stream = await session.Events.FetchForWriting<Student>(student.Id, ct);
            if (stream.Aggregate is { } current && current.GuardianIds.Contains(guardianId))
            {
                stream.AppendOne(new GuardianUnlinked(student.Id, erasure.RequestedBy, guardianId, now));
            }
        }
    }

    /// <summary>Ends a membership for good (its sessions fail from the next request). False if already so.</summary>
    public static bool Disable(UserAccount membership, DateTimeOffset now)
    {
        if (membership.ErasedAt is not null) return false;
        membership.ErasedAt = now;
        return true;
    }

    /// <summary>Disables a login for good: no password, no e-mail index (the e-mail can register again). False if already so.</summary>
    public static bool DisableLogin(LoginAccount login, DateTimeOffset now)
    {
        var erasedIndex = $"erased:{login.Id:N}";
        if (login.ErasedAt is not null && login.EmailIndex == erasedIndex && login.PasswordHash.Length == 0) return false;
        login.ErasedAt ??= now;
        login.EmailIndex = erasedIndex;
        login.PasswordHash = "";
        return true;
    }

    /// <summary>
    /// Stages the disabling of <paramref name="membership"/>'s login when no other live membership remains (it is being
    /// erased: excluded whether or not its erasure is committed yet). True when the login is (now or already) disabled.
    /// </summary>
    public static async Task<bool> DisableLoginIfLastAsync(IDocumentSession session, UserAccount membership, DateTimeOffset now, CancellationToken ct)
    {
        var login = await session.LoadAsync<LoginAccount>(membership.LoginId, ct);
        if (login is null) return false;
        var others = await session.Query<UserAccount>()
            .AnyAsync(m => m.LoginId == login.Id && m.Id != membership.Id && m.ErasedAt == null, ct);
        if (others) return false;
        if (DisableLogin(login, now)) session.Store(login);
        return true;
    }

    /// <summary>Stages the revocation of the student's parent codes that are neither revoked nor redeemed yet.</summary>
    public static async Task RevokeOutstandingCodesAsync(IDocumentSession session, Guid schoolId, Guid studentId, DateTimeOffset now,
        CancellationToken ct)
    {
        foreach (var code in await OutstandingCodesAsync(session, schoolId, studentId, ct))
        {
            code.RevokedAt = now;
            session.Store(code);
        }
    }

    private static async Task<IReadOnlyList<ParentCode>> OutstandingCodesAsync(IQuerySession session, Guid schoolId, Guid studentId, CancellationToken ct) =>
        await session.Query<ParentCode>()
            .Where(c => c.SchoolId == schoolId && c.StudentId == studentId && c.RevokedAt == null && c.RedeemedAt == null)
            .ToListAsync(ct);

    /// <summary>Reads back what the last step wrote: a step that did not take effect is an error, not "done".</summary>
    private async Task VerifyForgottenAsync(string tenant, Guid schoolId, Erasure erasure, CancellationToken ct)
    {
        await using var session = store.QuerySession(tenant);
        var done = await session.LoadAsync<Erasure>(erasure.Id, ct);
        if (done?.CompletedAt is null) throw new InvalidOperationException($"Erasure {erasure.Id} is not marked complete.");
        if (erasure.SubjectKind == SubjectKinds.Student)
        {
            var student = await session.LoadAsync<Student>(erasure.SubjectId, ct);
            if (student is { Erased: false }) throw new InvalidOperationException($"Student {erasure.SubjectId} is not marked erased.");
            if ((await OutstandingCodesAsync(session, schoolId, erasure.SubjectId, ct)).Count > 0)
            {
                throw new InvalidOperationException($"Student {erasure.SubjectId} still has usable parent codes.");
            }

            if (await StudentAccounts.StudentLogins.HasAccessAsync(session, schoolId, erasure.SubjectId, ct))
            {
                throw new InvalidOperationException($"Student {erasure.SubjectId} still has a student account or login code.");
            }
        }
        else
        {
            var account = await session.LoadAsync<UserAccount>(erasure.SubjectId, ct);
            if (account is not null && account.SchoolId == schoolId && account.ErasedAt is null)
            {
                throw new InvalidOperationException($"Guardian {erasure.SubjectId} can still sign in to this school.");
            }

            if (await session.Query<Student>().AnyAsync(s => s.GuardianIds.Contains(erasure.SubjectId), ct))
            {
                throw new InvalidOperationException($"Guardian {erasure.SubjectId} is still linked to a student.");
            }
        }
    }

    private async Task AppendProgressAsync(string tenant, Guid erasureId, object progress, CancellationToken ct)
    {
        await using var session = store.LightweightSession(tenant);
        session.Events.Append(erasureId, progress);
        await session.SaveChangesAsync(ct);
    }
}
