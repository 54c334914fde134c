namespace ClassComms.Retention;

/// <summary>
/// What a retention run of one school does at <see cref="At"/> under <see cref="Policy"/> (the preview shows it without doing
/// it; the run records the one it carried out). Points awarded before <see cref="PointsCutoff"/> are due: their month keys
/// (<see cref="PointKeys"/>, ids of vault subjects) are destroyed, which shreds <see cref="PointsShredded"/> points.
/// <see cref="LegacyPointsNotShredded"/>: due points still without a month key (awarded before month keys existed, their notes under
/// the student's key only); the start-up step <see cref="LegacyPointNotes"/> moves them to their month key, so it is 0 after it. <see cref="StudentsErased"/>: students without activity since
/// <see cref="InactiveSince"/>, erased through the erasure workflow. <see cref="Other"/>: ids per kind of the extension
/// steps (<see cref="IRetentionStep"/>, e.g. exports). Ids and counts only.
/// </summary>
public sealed record RetentionPlan(
    Guid SchoolId,
    DateTimeOffset At,
    RetentionPolicy Policy,
    DateTimeOffset PointsCutoff,
    IReadOnlyList<Guid> PointKeys,
    int PointsShredded,
    int LegacyPointsNotShredded,
    DateTimeOffset InactiveSince,
    IReadOnlyList<Guid> StudentsErased,
    IReadOnlyDictionary<string, IReadOnlyList<Guid>> Other)
{
    public bool IsEmpty => PointKeys.Count == 0 && StudentsErased.Count == 0 && Other.Values.All(v => v.Count == 0);
}

/// <summary>
/// A further kind of data the school's retention run handles (exports past <see cref="RetentionPolicy.ExportDays"/> is the
/// intended one): register an implementation in DI and the preview and every run include it, under <see cref="Kind"/>.
/// <see cref="ApplyAsync"/> must be idempotent (a repeated run, or one after a crash, applies the same ids again).
/// </summary>
public interface IRetentionStep
{
    string Kind { get; }

    Task<IReadOnlyList<Guid>> DueAsync(Guid schoolId, RetentionPolicy policy, DateTimeOffset now, CancellationToken ct);

    Task ApplyAsync(Guid schoolId, IReadOnlyList<Guid> ids, Guid actor, DateTimeOffset now, CancellationToken ct);
}
