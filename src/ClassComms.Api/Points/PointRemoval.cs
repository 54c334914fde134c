using ClassComms.Classes;
using ClassComms.Platform;
using ClassComms.Students;
using JasperFx.Events;
using Marten;

namespace ClassComms.Points;

/// <summary>What removing a point and undoing an award share: who may, the stream locks, and the <see cref="PointRemoved"/> events.</summary>
internal static class PointRemoval
{
    internal static async Task<bool> CanTeachAsync(IQuerySession session, Caller caller, Guid classId, CancellationToken ct)
    {
        var schoolClass = await ClassAccess.ReadableAsync(session, caller, classId, ct);
        return schoolClass is not null && ClassAccess.CanTeach(caller, schoolClass);
    }

    /// <summary>
    /// Locks the students' streams for this transaction (in id order, as awards do, so two requests never wait on each
    /// other in a cycle), then re-reads the points: a removal that raced another one waits for it, sees its commit, and
    /// removes nothing twice (one 204, then 409). Awards to the same students wait on the lock instead of failing.
    /// </summary>
    internal static async Task<(Dictionary<Guid, IEventStream<Student>> Streams, List<PointEntry> Active)> LockAndReloadAsync(
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

    internal static void Remove(Dictionary<Guid, IEventStream<Student>> streams, Caller caller, IReadOnlyList<PointEntry> entries, DateTimeOffset now)
    {
        foreach (var e in entries)
        {
            streams[e.StudentId].AppendOne(new PointRemoved(e.StudentId, caller.UserId, e.Id, e.AwardId, e.ClassId, e.SkillId, e.Positive, e.Value, now));
        }
    }
}
