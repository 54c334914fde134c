using ClassComms.PersonalData;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using ClassComms.Notifications;

namespace ClassComms.Points;

/// <summary>One awarded point, for histories and undo. The note stays sealed with the student's key (and the month's points key, <see cref="RetentionKey"/>).</summary>
public sealed record PointEntry(
    Guid Id,
    Guid StudentId,
    Guid AwardId,
    Guid ClassId,
    Guid AwardedBy,
    Guid SkillId,
    Sealed SkillName,
    bool Positive,
    int Value,
    Sealed? Note,
    DateTimeOffset AwardedAt,
    DateTimeOffset? RemovedAt,
    Guid? RemovedBy,
    Guid? RetentionKey = null)
{
    public bool Removed => RemovedAt is not null;
}

/// <summary>
/// Inline: a point is readable (and undoable) in the same transaction that awarded it. An award only creates entries, so they
/// are stored without reading anything first (an aggregating projection would load the award's entries by id before the
/// commit: one more round trip per award), a transaction's new entries in one statement when there are several (a class award
/// of 30 is one insert, not 30 upserts); a removal reads the entry it changes.
/// </summary>
public sealed class PointEntryProjection : IProjection
{
    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        var changed = new Dictionary<Guid, PointEntry>();
        var created = new HashSet<Guid>();
        foreach (var e in events)
        {
            switch (e.Data)
            {
                case PointAwarded awarded:
                    changed[awarded.PointId] = Create(awarded);
                    created.Add(awarded.PointId);
                    break;
                case PointRemoved removed:
                    var entry = changed.TryGetValue(removed.PointId, out var pending)
                        ? pending
                        : await operations.LoadAsync<PointEntry>(removed.PointId, cancellation);
                    if (entry is not null) changed[removed.PointId] = Apply(entry, removed);
                    break;
            }
        }

        // Several new entries go in one statement (below); one new entry (an award to one student) goes through Marten's own
        // upsert, cheaper for a single row (pg_stat_statements, README "Fewer statements per message and per class award").
        var together = created.Count > 1 ? created : [];
        foreach (var entry in changed.Values.Where(e => !together.Contains(e.Id))) operations.Store(entry);
        if (together.Count == 0) return;
        var serializer = operations.DocumentStore.Options.Serializer();
        var entries = together.Select(id => changed[id]).ToList();
        // As Store would (insert, or replace an entry already there), for all of them at once.
        operations.QueueSqlCommand($"""
            insert into {ReadPositions.DocumentTable<PointEntry>()} (tenant_id, id, data, mt_dotnet_type)
            select ?, e.id, e.data::jsonb, ? from unnest(?::uuid[], ?::text[]) as e(id, data)
            on conflict (tenant_id, id) do update set data = excluded.data, mt_last_modified = now()
            """,
            operations.TenantId, typeof(PointEntry).FullName!, entries.Select(x => x.Id).ToArray(),
            entries.Select(x => serializer.ToJson(x)).ToArray());
    }

    public static PointEntry Create(PointAwarded e) =>
        new(e.PointId, e.StudentId, e.AwardId, e.ClassId, e.AwardedBy, e.SkillId, e.SkillName, e.Positive, e.Value, e.Note, e.At, null, null, e.RetentionKey);

    public static PointEntry Apply(PointEntry entry, PointRemoved e) => entry with { RemovedAt = e.At, RemovedBy = e.RemovedBy };
}
