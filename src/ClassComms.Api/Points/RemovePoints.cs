using System.Security.Claims;
using ClassComms.Classes;
using ClassComms.Platform;
using ClassComms.Students;
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
        if (entry.Removed) return (Problems.Conflict("The point was already removed."), none);

        await RemoveAsync(session, caller, [entry], clock.GetUtcNow(), ct);
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
        var active = entries.Where(e => !e.Removed).ToList();
        if (active.Count == 0) return (Problems.Conflict("The award was already undone."), none);

        await RemoveAsync(session, caller, active, clock.GetUtcNow(), ct);
        return (Results.Ok(new PointsRemovedResponse(id, active.Count)),
            new OutgoingMessages { new PointsChanged(caller.SchoolId, active.Select(e => e.Id).ToList()) });
    }

    private static async Task<bool> CanTeachAsync(IQuerySession session, Caller caller, Guid classId, CancellationToken ct)
    {
        var schoolClass = await ClassAccess.ReadableAsync(session, caller, classId, ct);
        return schoolClass is not null && ClassAccess.CanTeach(caller, schoolClass);
    }

    /// <summary>Appends through FetchForWriting so two concurrent removals of one point cannot both succeed (409).</summary>
    private static async Task RemoveAsync(IDocumentSession session, Caller caller, IReadOnlyList<PointEntry> entries, DateTimeOffset now, CancellationToken ct)
    {
        foreach (var byStudent in entries.GroupBy(e => e.StudentId).OrderBy(g => g.Key))
        {
            var stream = await session.Events.FetchForWriting<Student>(byStudent.Key, ct);
            foreach (var e in byStudent)
            {
                stream.AppendOne(new PointRemoved(e.StudentId, caller.UserId, e.Id, e.AwardId, e.ClassId, e.SkillId, e.Positive, e.Value, now));
            }
        }
    }
}
