using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Privacy;
using Marten;

namespace ClassComms.StudentAccounts;

/// <summary>Scheduled (durable outbox) at a self-registration's expiry, in the registration's own transaction (ids only).</summary>
public sealed record ExpireStudentRegistration(Guid SchoolId, Guid RegistrationId);

/// <summary>
/// A registration still pending at its <see cref="StudentRegistration.ExpiresAt"/> expires exactly as a refusal ends: the key of the
/// student id reserved for it is destroyed, written first to the erasure ledger (kind <c>registration-key</c>, so re-applying the
/// ledger after a restore older than the expiry destroys the key again and closes the registration again), and its login code
/// becomes a wrong code (401). Under the registration's lock, so it cannot race the teacher's decision: a registration decided
/// meanwhile (or not yet due) is left alone, and running the step twice changes nothing.
/// </summary>
public static class ExpireStudentRegistrationHandler
{
    public static async Task Handle(ExpireStudentRegistration message, IDocumentStore store, PersonalDataVault vault, ErasureLedger ledger,
        TimeProvider clock, CancellationToken ct)
    {
        var tenant = Ids.Tenant(message.SchoolId);
        await using var session = store.LightweightSession(tenant);
        await AdvisoryLocks.TakeAsync(session, AdvisoryLocks.Keys("student-registration", [message.RegistrationId]), ct);
        var registration = await session.LoadAsync<StudentRegistration>(message.RegistrationId, ct);
        var now = clock.GetUtcNow();
        if (registration is null || registration.State != StudentRegistration.Pending || now < registration.ExpiresAt) return;

        // The ledger entry first, then the key (as a refusal does: DecideStudentRegistration.cs); the registration itself last.
        await ledger.RecordAsync(new ErasureRecord(registration.StudentId, SubjectKinds.RegistrationKey, registration.SchoolId, registration.StudentId, now), ct);
        await vault.EraseAsync(tenant, registration.StudentId, registration.StudentId, ct);
        registration.State = StudentRegistration.Expired;
        registration.DecidedAt = now;
        session.Store(registration);
        await session.SaveChangesAsync(ct);
    }
}
