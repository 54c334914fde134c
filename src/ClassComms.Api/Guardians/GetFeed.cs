using ClassComms.Audience;
using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Points;
using ClassComms.Retention;
using ClassComms.Schools;
using ClassComms.Students;
using JasperFx.Events;
using Marten;
using ClassComms.Notifications;
using Marten.Events.Projections;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Guardians;

/// <summary>
/// One feed item per point event, written inline in the transaction of the event. Its cursor (<see cref="Sequence"/>) is taken at
/// commit under the locks of its readers' rows (<see cref="ReadPositions.InsertFeed{T}"/>), so a reader's cursor never skips an item.
/// Filtering by guardian happens at read time, from their access document (<see cref="Audience.Visibility"/>: a child's whole record).
/// </summary>
public sealed record FeedEntry(
    string Id,
    long Sequence,
    string Kind,
    Guid StudentId,
    Guid ClassId,
    Guid PointId,
    Guid SkillId,
    Sealed? SkillName,
    bool Positive,
    int Value,
    Sealed? Note,
    DateTimeOffset At,
    Guid? RetentionKey = null)
{
    public static string AwardedId(Guid pointId) => $"awarded:{pointId}";

    public static string RemovedId(Guid pointId) => $"removed:{pointId}";
}

/// <summary>
/// Inline: the feed entries of a transaction's point events are written with it, numbered under their readers' row locks
/// (<see cref="ReadPositions.InsertFeed{T}"/>: one statement for the whole transaction). A guardian's link locks the guardian's row.
/// </summary>
public sealed class FeedProjection : IProjection
{
    public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        foreach (var school in events.GroupBy(e => e.TenantId))
        {
            // Point events are always in a school's tenant; other tenants' events write no feed entry.
            var entries = new List<(Guid StudentId, FeedEntry Entry)>();
            var linked = new HashSet<Guid>();
            foreach (var e in school)
            {
                switch (e.Data)
                {
                    case PointAwarded p:
                        entries.Add((p.StudentId, new FeedEntry(FeedEntry.AwardedId(p.PointId), 0, FeedKinds.PointAwarded, p.StudentId, p.ClassId,
                            p.PointId, p.SkillId, p.SkillName, p.Positive, p.Value, p.Note, p.At, p.RetentionKey)));
                        break;
                    case PointRemoved p:
                        entries.Add((p.StudentId, new FeedEntry(FeedEntry.RemovedId(p.PointId), 0, FeedKinds.PointRemoved, p.StudentId, p.ClassId,
                            p.PointId, p.SkillId, null, p.Positive, p.Value, null, p.At)));
                        break;
                    case GuardianLinked link:
                        // A new reader of the child's items: their row is locked like an award's readers (ReadPositions.InsertFeed).
                        linked.Add(link.GuardianId);
                        break;
                    case StudentErased erased:
                        // Erasure purges the student's feed items (their notes were already unreadable).
                        operations.DeleteWhere<FeedEntry>(x => x.StudentId == erased.StudentId);
                        break;
                }
            }

            ReadPositions.InsertFeed(operations, school.Key, entries.Select(x => (x.StudentId, x.Entry.Id, x.Entry)).ToList(), linked);
        }

        return Task.CompletedTask;
    }
}

public static class FeedKinds
{
    public const string PointAwarded = "pointAwarded";
    public const string PointRemoved = "pointRemoved";
}

/// <summary>A feed item; <c>shredded</c>: the point's month key was destroyed by the school's retention policy (its note is gone).</summary>
public sealed record FeedItem(long Cursor, string Kind, Guid StudentId, Guid ClassId, Guid PointId, Guid SkillId, string? SkillName,
    bool Positive, int Value, string? Note, DateTimeOffset At, bool Shredded = false);

public sealed record FeedPage(IReadOnlyList<FeedItem> Items, long Cursor);

public static class GetFeedEndpoint
{
    public const int MaxPageSize = 200;

    /// <summary>Read the guardian's feed after a cursor, oldest first.</summary>
    /// <remarks>
    /// The guardian's feed after <c>after</c> (0 for the start), oldest first. Keep the returned <c>cursor</c> and pass it next
    /// time (e.g. on SignalR reconnect) to catch up without losing anything.
    /// </remarks>
    [ProducesResponseType<FeedPage>(StatusCodes.Status200OK)]
    [ProducesProblems(403)]
    [WolverineGet("/api/guardians/me/feed")]
    public static async Task<IResult> Get(long? after, int? limit, Caller caller, IQuerySession session, PersonalDataVault vault,
        CancellationToken ct)
    {
        if (caller.Role != Role.Guardian) return Problems.Forbidden("Only guardians have a feed.");
        var from = after ?? 0;
        if (from < 0) return Problems.Invalid("after", "must be zero or a cursor from a previous page.");
        var take = limit ?? 50;
        if (take is < 1 or > MaxPageSize) return Problems.Invalid("limit", $"must be between 1 and {MaxPageSize}.");

        var children = GetMyChildrenEndpoint.VisibleChildIds(await AudienceAccess.LoadAsync(session, caller.UserId, ct)).ToArray();
        if (children.Length == 0) return Results.Ok(new FeedPage([], from));

        var entries = await session.Query<FeedEntry>()
            .Where(x => x.StudentId.IsOneOf(children) && x.Sequence > from)
            .OrderBy(x => x.Sequence).Take(take).ToListAsync(ct);
        await vault.PreloadAsync([caller.SchoolId, .. children, .. entries.Select(e => e.RetentionKey).OfType<Guid>().Distinct()], ct);
        var items = new List<FeedItem>();
        var shreddedKeys = await RetentionKeys.ShreddedAmongAsync(vault, entries.Select(e => e.RetentionKey), ct);
        foreach (var e in entries)
        {
            var shredded = e.RetentionKey is { } key && shreddedKeys.Contains(key);
            items.Add(new FeedItem(e.Sequence, e.Kind, e.StudentId, e.ClassId, e.PointId, e.SkillId,
                e.SkillName is null ? "" : await vault.OpenAsync(e.SkillName, e.SkillId, ct), e.Positive, e.Value,
                shredded ? null : await vault.UnsealAsync(e.Note, e.PointId.ToString(), ct), e.At, shredded));
        }

        return Results.Ok(new FeedPage(items, items.Count > 0 ? items[^1].Cursor : from));
    }
}
