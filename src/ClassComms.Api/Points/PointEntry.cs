using ClassComms.PersonalData;
using JasperFx.Events;
using Marten.Events.Projections;

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

/// <summary>Inline: a point is readable (and undoable) in the same transaction that awarded it.</summary>
public sealed partial class PointEntryProjection : MultiStreamProjection<PointEntry, Guid>
{
    public PointEntryProjection()
    {
        Identity<PointAwarded>(e => e.PointId);
        Identity<PointRemoved>(e => e.PointId);
    }

    public PointEntry Create(PointAwarded e) =>
        new(e.PointId, e.StudentId, e.AwardId, e.ClassId, e.AwardedBy, e.SkillId, e.SkillName, e.Positive, e.Value, e.Note, e.At, null, null, e.RetentionKey);

    public PointEntry Apply(PointEntry entry, PointRemoved e) => entry with { RemovedAt = e.At, RemovedBy = e.RemovedBy };
}
