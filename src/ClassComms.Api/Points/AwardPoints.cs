using ClassComms.Classes;
using ClassComms.Notifications;
using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Retention;
using ClassComms.Students;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace ClassComms.Points;

/// <summary>Award a skill to some students (<c>studentIds</c>) or to the whole class (<c>wholeClass</c>), with an optional note to the family.</summary>
public sealed record AwardPoints(Guid SkillId, IReadOnlyList<Guid>? StudentIds, bool WholeClass, string? Note);

public sealed record AwardedPoint(Guid PointId, Guid StudentId);

public sealed record PointsAwardedResponse(Guid AwardId, IReadOnlyList<AwardedPoint> Points);

/// <summary>Tells the notifier which points changed; ids only, so the outbox never holds personal data.</summary>
public sealed record PointsChanged(Guid SchoolId, IReadOnlyList<Guid> PointIds);

/// <summary>What <see cref="AwardPointsEndpoint.Target"/> decided: a skill and students, or the problem to answer.</summary>
public sealed record AwardTarget(IResult? Problem, ClassSkill? Skill, IReadOnlyList<Guid> StudentIds)
{
    public static AwardTarget Refused(IResult problem) => new(problem, null, []);
}

public static class AwardPointsEndpoint
{
    public const int MaxNoteLength = 500;

    /// <summary>Award a skill to some students of a class, or to the whole class, with an optional note.</summary>
    /// <remarks>One request, one transaction: every student gets the point, or none does.</remarks>
    [ProducesResponseType<PointsAwardedResponse>(StatusCodes.Status201Created)]
    [ProducesProblems(409)]
    [WolverinePost("/api/classes/{classId}/points")]
    public static async Task<(IResult, OutgoingMessages)> Post(Guid classId, AwardPoints request, Caller caller,
        IDocumentSession session, PersonalDataVault vault, TimeProvider clock, CancellationToken ct)
    {
        if (RequestProblem(request) is { } invalid) return (invalid, []);
        // One round trip: the class and the DPO's restrictions of the students named, or of the class's students (read from the
        // class document in the same statement); for students named, also their streams, locked and loaded (below), so that an
        // award to named students makes one round trip before its commit. A refusal then rolls back: nothing is staged, and the
        // locks taken meanwhile go with the transaction.
        var reads = session.CreateBatchQuery();
        // Each student's stream is locked for this transaction (FetchForExclusiveWriting, in id order so two awards never
        // wait on each other in a cycle) rather than checked optimistically at commit: two teachers awarding the same
        // student at the same moment, or a double tap, are independent points, so the second waits a few milliseconds
        // and succeeds on the fresh version instead of failing with 409. Still one transaction per request.
        var named = request.WholeClass ? [] : (request.StudentIds ?? []).Order().ToList();
        var namedFetches = named.Select(studentId => reads.Events.FetchForExclusiveWriting<Student>(studentId)).ToList();
        var classLoad = reads.Load<SchoolClass>(classId);
        var frozenLoad = request.WholeClass
            ? reads.Query<ProcessingRestriction.SubjectRestriction>(
                $"where tenant_id = ? and id = any(array(select (jsonb_array_elements_text(c.data -> 'StudentIds'))::uuid from {ReadPositions.DocumentTable<SchoolClass>()} c where c.tenant_id = ? and c.id = ?))",
                session.TenantId, session.TenantId, classId)
            : reads.LoadMany<ProcessingRestriction.SubjectRestriction>().ById((request.StudentIds ?? []).Distinct().ToArray());
        await reads.Execute(ct);
        var schoolClass = ClassAccess.Readable(caller, await classLoad);
        var frozen = schoolClass is null ? new HashSet<Guid>() : (await frozenLoad).Select(r => r.Id).ToHashSet();
        var target = Target(request, caller, schoolClass, frozen);
        if (target.Problem is not null) return (target.Problem, []);
        var skill = target.Skill!;
        var targets = target.StudentIds;

        var awardId = Guid.CreateVersion7();
        var now = clock.GetUtcNow();
        var points = new List<AwardedPoint>();
        var note = string.IsNullOrWhiteSpace(request.Note) ? null : request.Note.Trim();
        // The month's points key of the school: retention destroys it once the month is older than the school's policy.
        var retentionKey = RetentionKeys.PointsKey(caller.SchoolId, now);
        // The whole class: its students are known from the class read above, so their streams are locked and loaded in a second
        // round trip (one batch of lock-and-load statements for all of them). Then one for all their keys when there is a note.
        var ordered = targets.Order().ToList();
        var fetches = namedFetches;
        if (request.WholeClass)
        {
            var fetch = session.CreateBatchQuery();
            fetches = ordered.Select(studentId => fetch.Events.FetchForExclusiveWriting<Student>(studentId)).ToList();
            await fetch.Execute(ct);
        }

        if (note is not null) await vault.PreloadAsync([.. ordered, retentionKey], ct);
        foreach (var pending in fetches)
        {
            var stream = await pending;
            if (stream.Aggregate is not { Erased: false }) continue; // erased students keep their place in statistics only
            var studentId = stream.Id;
            var pointId = Guid.CreateVersion7();
            var sealedNote = note is null
                ? null
                : await vault.SealForAllAsync(caller.Tenant, [studentId, retentionKey], "point.note", pointId.ToString(), note, ct);
            stream.AppendOne(new PointAwarded(studentId, caller.UserId, pointId, awardId, classId, skill.Id, skill.Name, skill.Positive,
                skill.Value, sealedNote, now, retentionKey));
            points.Add(new AwardedPoint(pointId, studentId));
        }

        if (points.Count == 0) return (Problems.Conflict("None of the students can receive points (they have been erased)."), []);

        var messages = new OutgoingMessages { new PointsChanged(caller.SchoolId, points.Select(p => p.PointId).ToList()) };
        return (Results.Created($"/api/awards/{awardId}", new PointsAwardedResponse(awardId, points)), messages);
    }

    /// <summary>The request alone, before anything is read: a 400 naming each invalid field, or null. (Not named
    /// <c>Validate</c>: Wolverine would run that as middleware.)</summary>
    public static IResult? RequestProblem(AwardPoints request)
    {
        var validation = new Validation().Optional(request.Note, "note", MaxNoteLength);
        if (request.SkillId == Guid.Empty) validation.Add("skillId", "is required.");
        var listed = request.StudentIds ?? [];
        if (request.WholeClass && listed.Count > 0) validation.Add("studentIds", "must be empty when wholeClass is true.");
        if (!request.WholeClass && listed.Count == 0) validation.Add("studentIds", "must name at least one student, or set wholeClass.");
        if (listed.Any(s => s == Guid.Empty)) validation.Add("studentIds", "must not contain an empty id.");
        if (listed.Distinct().Count() != listed.Count) validation.Add("studentIds", "must not repeat a student.");
        return validation.IsValid ? null : validation.ToResult();
    }

    /// <summary>Who gets the point, decided from the class as the caller may read it (null: unknown or not theirs): the skill and
    /// the students, or the problem to answer. Pure, so the rules are tested without a database.</summary>
    public static AwardTarget Target(AwardPoints request, Caller caller, SchoolClass? schoolClass, IReadOnlySet<Guid>? frozen = null)
    {
        if (schoolClass is null || !ClassAccess.CanTeach(caller, schoolClass)) return AwardTarget.Refused(Problems.NotFound("class"));
        var skill = schoolClass.FindSkill(request.SkillId);
        if (skill is null) return AwardTarget.Refused(Problems.Invalid("skillId", "is not a skill of this class."));
        var targets = request.WholeClass ? schoolClass.StudentIds : request.StudentIds ?? [];
        // Processing restricted by the DPO (ProcessingRestriction/): a named student refuses the award (409, nothing staged); the
        // whole class is awarded without them.
        if (frozen is { Count: > 0 })
        {
            if (!request.WholeClass && targets.Any(frozen.Contains)) return AwardTarget.Refused(ProcessingRestriction.Restrictions.Locked());
            targets = targets.Where(s => !frozen.Contains(s)).ToList();
        }

        if (targets.Count == 0) return AwardTarget.Refused(Problems.Invalid("wholeClass", "the class has no students yet."));
        if (targets.Any(s => !schoolClass.StudentIds.Contains(s)))
            return AwardTarget.Refused(Problems.Invalid("studentIds", "contains students who are not in this class."));
        return new AwardTarget(null, skill, targets);
    }
}
