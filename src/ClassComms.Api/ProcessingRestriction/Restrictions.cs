using ClassComms.Platform;
using Marten;
using Marten.Services.BatchQuerying;

namespace ClassComms.ProcessingRestriction;

// Restriction of processing (GDPR art. 18): the DPO freezes a data subject (a student or a guardian). Events of the subject's own
// stream (a student's stream, or the member's stream, stream id = the membership id). Ids and codes only.

/// <summary>The DPO froze the subject: from now on only the DPO reads them, and nothing about them changes until lifted.</summary>
public sealed record ProcessingRestricted(Guid SubjectId, Guid RestrictedBy, string SubjectKind, string ReasonCode, DateTimeOffset At);

/// <summary>The DPO lifted the restriction: the subject is read and processed as before.</summary>
public sealed record ProcessingRestrictionLifted(Guid SubjectId, Guid LiftedBy, string ReasonCode, DateTimeOffset At);

/// <summary>
/// A subject currently frozen (tenant document, id = subject id), written in the transaction of <see cref="ProcessingRestricted"/>
/// and deleted in that of <see cref="ProcessingRestrictionLifted"/>: what every read and write decision asks.
/// </summary>
public sealed record SubjectRestriction(Guid Id, string SubjectKind, string ReasonCode, Guid RestrictedBy, DateTimeOffset Since);

public static class Restrictions
{
    public const string Student = "student";
    public const string Guardian = "guardian";

    /// <summary>Art. 18(1)(a)–(d) and why a restriction is lifted.</summary>
    public static readonly IReadOnlyList<string> RestrictReasons = ["accuracyContested", "unlawfulProcessing", "legalClaims", "objectionPending"];

    public static readonly IReadOnlyList<string> LiftReasons = ["accuracyVerified", "objectionDecided", "claimsSettled", "subjectConsented", "erasureDecided"];

    /// <summary>The 409 a write about a frozen subject answers (nothing is staged before it).</summary>
    public static IResult Locked() => Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict.",
        detail: "The school's DPO has restricted the processing of this person's data: nothing about them can change until the restriction is lifted.");

    /// <summary>The subjects of <paramref name="ids"/> that are frozen (one indexed round trip).</summary>
    public static async Task<IReadOnlySet<Guid>> FrozenAsync(IQuerySession session, IReadOnlyCollection<Guid> ids, CancellationToken ct) =>
        ids.Count == 0 ? new HashSet<Guid>() : (await session.LoadManyAsync<SubjectRestriction>(ct, ids.Distinct())).Select(r => r.Id).ToHashSet();

    /// <summary>
    /// The write decision: a 409 when <paramref name="subjectId"/> is frozen and the caller is not the DPO (who may still rectify the
    /// data whose accuracy is contested), else null.
    /// </summary>
    public static async Task<IResult?> RefusalAsync(IQuerySession session, Caller caller, Guid subjectId, CancellationToken ct) =>
        caller.Role != Role.Dpo && await session.LoadAsync<SubjectRestriction>(subjectId, ct) is not null ? Locked() : null;

    /// <summary>
    /// The write decision for new processing by <paramref name="caller"/> about <paramref name="subjectIds"/> (one indexed round trip): a 409
    /// when the caller is a frozen guardian (they still sign in and read, but add nothing) or any of the subjects is frozen; the DPO is never
    /// refused. Asked after the caller's access check, so someone who may not see the subject learns nothing from it.
    /// </summary>
    public static async Task<IResult?> WriteRefusalAsync(IQuerySession session, Caller caller, IEnumerable<Guid?> subjectIds, CancellationToken ct)
    {
        if (caller.Role == Role.Dpo) return null;
        var ids = subjectIds.Where(id => id is not null && id != Guid.Empty).Select(id => id!.Value).Append(caller.UserId).Distinct().ToList();
        return (await FrozenAsync(session, ids, ct)).Count > 0 ? Locked() : null;
    }

    /// <summary>
    /// <see cref="WriteRefusalAsync"/> for a message in <paramref name="conversationId"/> (the caller and the thread's student, found from
    /// the conversation in SQL), added to a batch that reads the conversation too. Read it after the batch executed and the
    /// caller's access was decided.
    /// </summary>
    public static Func<Task<IResult?>> WriteRefusalOfConversationInBatch(IBatchedQuery batch, Caller caller, Guid conversationId)
    {
        if (caller.Role == Role.Dpo) return () => Task.FromResult<IResult?>(null);
        var frozen = batch.Query<SubjectRestriction>(
            $"where tenant_id = ? and (id = ? or id = (select cast(c.data ->> 'StudentId' as uuid) from {Notifications.ReadPositions.DocumentTable<Conversations.Conversation>()} c where c.tenant_id = ? and c.id = ?))",
            caller.Tenant, caller.UserId, caller.Tenant, conversationId);
        return async () => (await frozen).Count > 0 ? Locked() : null;
    }

    /// <summary>The read decision for staff other than the DPO: a frozen subject is not there (404).</summary>
    public static async Task<bool> HiddenFromAsync(IQuerySession session, Caller caller, Guid subjectId, CancellationToken ct) =>
        caller.Role != Role.Dpo && await session.LoadAsync<SubjectRestriction>(subjectId, ct) is not null;
}
