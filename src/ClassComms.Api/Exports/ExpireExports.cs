using ClassComms.Platform;
using ClassComms.Retention;
using Marten;

namespace ClassComms.Exports;

/// <summary>
/// When a built export expires: <see cref="SubjectExport.CompletedAt"/> plus the exports period (<see cref="RetentionPolicy.ExportDays"/>) of
/// the school's retention policy in force <em>now</em>, as points follow the policy in force at each run. A policy changed after an export was
/// built moves its expiry (shortened: the next retention run deletes it; lengthened: the scheduled deletion finds it not yet due and waits).
/// The download (410 from then on), the scheduled deletion (<see cref="ExpireExportHandler"/>) and the retention run
/// (<see cref="ExportRetentionStep"/>) all decide with <see cref="ExpiresAt"/>, so they agree.
/// </summary>
public static class ExportExpiry
{
    public static DateTimeOffset? ExpiresAt(SubjectExport export, RetentionPolicy policy) =>
        export.CompletedAt is { } completed ? completed.AddDays(policy.ExportDays) : null;

    /// <summary>Deleted, or built and past its expiry under <paramref name="policy"/>.</summary>
    public static bool IsGone(SubjectExport export, RetentionPolicy policy, DateTimeOffset now) =>
        export.DeletedAt is not null || (ExpiresAt(export, policy) is { } expires && now >= expires);

    /// <summary>The school's retention policy in force (the defaults until the DPO chose one); the session is the school's tenant.</summary>
    public static async Task<RetentionPolicy> PolicyAsync(IQuerySession session, Guid schoolId, CancellationToken ct) =>
        (await session.LoadAsync<RetentionLog>(RetentionKeys.LogId(schoolId), ct))?.PolicyInForce ?? RetentionPolicy.Default;
}

/// <summary>
/// Exports in the school's retention run (<see cref="IRetentionStep"/>, kind <c>exports</c>): the preview lists the built exports past their
/// expiry (<see cref="ExportExpiry"/>) and not yet deleted; the run deletes their blobs and records <see cref="ExportDeleted"/> (expired) for
/// each, and the run's report holds their ids. Idempotent: a deleted export is not due again, and deleting one twice records it once.
/// The scheduled deletion at each export's expiry stays the timely path; this run is the safety net (a policy shortened, a lost schedule).
/// </summary>
public sealed class ExportRetentionStep(IDocumentStore store, ExportStore exports) : IRetentionStep
{
    public const string ExportsKind = "exports";

    public string Kind => ExportsKind;

    public async Task<IReadOnlyList<Guid>> DueAsync(Guid schoolId, RetentionPolicy policy, DateTimeOffset now, CancellationToken ct)
    {
        var builtBefore = now.AddDays(-policy.ExportDays);
        await using var session = store.QuerySession(Ids.Tenant(schoolId));
        var due = await session.Query<SubjectExport>()
            .Where(e => e.DeletedAt == null && e.CompletedAt != null && e.CompletedAt <= builtBefore)
            .OrderBy(e => e.Id).Select(e => e.Id).ToListAsync(ct);
        return due.ToList();
    }

    public async Task ApplyAsync(Guid schoolId, IReadOnlyList<Guid> ids, Guid actor, DateTimeOffset now, CancellationToken ct)
    {
        foreach (var id in ids) await exports.DeleteAsync(schoolId, id, ExportStates.Expired, ct);
    }
}
