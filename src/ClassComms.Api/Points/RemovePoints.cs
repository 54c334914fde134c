using System.Security.Claims;
using ClassComms.Classes;
using ClassComms.Platform;
using ClassComms.Students;
using JasperFx.Events;
using Marten;
using Wolverine;
using Wolverine.Http;

namespace ClassComms.Points;

public sealed record PointsRemovedResponse(Guid AwardId, int Removed);

/// <summary>A teacher deletes one point at any time, or undoes a whole award (every point it gave that is still there).</summary>
public static class RemovePointsEndpoint
{
    [WolverineDelete("/api/points/{pointId}")]
    public static async Task<(IResult, OutgoingMessages)> DeletePoint(string pointId, ClaimsPrincipal user, IDocumentSession session,
        TimeProvider clock, CancellationToken ct)
    {
        var none = new OutgoingMessages();
        if (!Ids.TryParse(pointId, "pointId", out var id, out var bad)) return (bad!, none);
        var caller = Caller.Of(user);
        var entry = await session.LoadAsync<PointEntry>(id, ct);
        if (entry is null || !await CanTeachAsync(session, caller, entry.ClassId, ct)) return (Problems.NotFound("point"), none);

        var (streams, active) = await LockAndReloadAsync(session, [entry], ct);
        if (active.Count == 0) return (Problems.Conflict("The point was already removed."), none);

        Remove(streams, caller, active, clock.GetUtcNow());
        return (Results.NoContent(), new OutgoingMessages { new PointsChanged(caller.SchoolId, [id]) });
    }

    [WolverineDelete("/api/awards/{awardId}")]
    public static async Task<(IResult, OutgoingMessages)> UndoAward(string awardId, ClaimsPrincipal user, IDocumentSession session,
        TimeProvider clock, CancellationToken ct)
    {
        var none = new OutgoingMessages();
        if (!Ids.TryParse(awardId, "awardId", out var id, out var bad)) return (bad!, none);
        var caller = Caller.Of(user);
        var entries = await session.Query<PointEntry>().Where(p => p.AwardId == id).ToListAsync(ct);
        if (entries.Count == 0 || !await CanTeachAsync(session, caller, entries[0].ClassId, ct)) return (Problems.NotFound("award"), none);

        var (streams, active) = await LockAndReloadAsync(session, entries, ct);
        if (active.Count == 0) return (Problems.Conflict("The award was already undone."), none);

        Remove(streams, caller, active, clock.GetUtcNow());
        return (Results.Ok(new PointsRemovedResponse(id, active.Count)),
            new OutgoingMessages { new PointsChanged(caller.SchoolId, active.Select(e => e.Id).ToList()) });
    }

    private static async Task<bool> CanTeachAsync(IQuerySession session, Caller caller, Guid classId, CancellationToken ct)
    {
        var schoolClass = await ClassAccess.ReadableAsync(session, caller, classId, ct);
        return schoolClass is not null && ClassAccess.CanTeach(caller, schoolClass);
    }

    /// <summary>
    /// Locks the students' streams for this transaction (in id order, as awards do, so two requests never wait on each
    /// other in a cycle), then re-reads the points: a removal that raced another one waits for it, sees its commit, and
    /// removes nothing twice (one 204, then 409). Awards to the same students wait on the lock instead of failing.
    /// </summary>
    private static async Task<(Dictionary<Guid, IEventStream<Student>> Streams, List<PointEntry> Active)> LockAndReloadAsync(
        IDocumentSession session, IReadOnlyList<PointEntry> entries, CancellationToken ct)
    {
        var streams = new Dictionary<Guid, IEventStream<Student>>();
        foreach (var studentId in entries.Select(e => e.StudentId).Distinct().Order())
        {
            streams[studentId] = await session.Events.FetchForExclusiveWriting<Student>(studentId, ct);
        }

        var fresh = await session.LoadManyAsync<PointEntry>(ct, entries.Select(e => e.Id));
        return (streams, fresh.Where(e => !e.Removed).OrderBy(e => e.Id).ToList());
    }

    private static void Remove(Dictionary<Guid, IEventStream<Student>> streams, Caller caller, IReadOnlyList<PointEntry> entries, DateTimeOffset now)
    {
        foreach (var e in entries)
        {
            streams[e.StudentId].AppendOne(new PointRemoved(e.StudentId, caller.UserId, e.Id, e.AwardId, e.ClassId, e.SkillId, e.Positive, e.Value, now));
        }
    }
}
