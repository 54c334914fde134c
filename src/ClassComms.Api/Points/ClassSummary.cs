using System.Security.Claims;
using ClassComms.Classes;
using ClassComms.Platform;
using Marten;
using Marten.Events.Projections;
using Wolverine.Http;

namespace ClassComms.Points;

public sealed record SkillTally(Guid SkillId, string SkillName, bool Positive, int Count, int Points);

public sealed record DayTally(DateOnly Day, int Count);

/// <summary>
/// Non-personal class statistics: points per skill, counts and dates. No student ids, so it survives erasure
/// unchanged. Built by the async daemon.
/// </summary>
public sealed record ClassSummary(
    Guid Id,
    int PointsAwarded,
    int PointsRemoved,
    int PositivePoints,
    int NeedsWorkPoints,
    IReadOnlyList<SkillTally> Skills,
    IReadOnlyList<DayTally> Days,
    DateTimeOffset? FirstAwardAt,
    DateTimeOffset? LastAwardAt);

public sealed partial class ClassSummaryProjection : MultiStreamProjection<ClassSummary, Guid>
{
    public ClassSummaryProjection()
    {
        Identity<PointAwarded>(e => e.ClassId);
        Identity<PointRemoved>(e => e.ClassId);
    }

    public ClassSummary Create(PointAwarded e) =>
        Apply(new ClassSummary(e.ClassId, 0, 0, 0, 0, [], [], null, null), e);

    public ClassSummary Apply(ClassSummary s, PointAwarded e) => s with
    {
        PointsAwarded = s.PointsAwarded + 1,
        PositivePoints = s.PositivePoints + (e.Positive ? e.Value : 0),
        NeedsWorkPoints = s.NeedsWorkPoints + (e.Positive ? 0 : e.Value),
        Skills = Tally(s.Skills, e.SkillId, e.SkillName, e.Positive, +1, e.Value),
        Days = CountDay(s.Days, DateOnly.FromDateTime(e.At.UtcDateTime), +1),
        FirstAwardAt = s.FirstAwardAt is { } first && first <= e.At ? first : e.At,
        LastAwardAt = s.LastAwardAt is { } last && last >= e.At ? last : e.At,
    };

    public ClassSummary Apply(ClassSummary s, PointRemoved e) => s with
    {
        PointsRemoved = s.PointsRemoved + 1,
        PositivePoints = s.PositivePoints - (e.Positive ? e.Value : 0),
        NeedsWorkPoints = s.NeedsWorkPoints - (e.Positive ? 0 : e.Value),
        Skills = Tally(s.Skills, e.SkillId, null, e.Positive, -1, -e.Value),
    };

    private static List<SkillTally> Tally(IReadOnlyList<SkillTally> skills, Guid skillId, string? name, bool positive, int count, int points)
    {
        var existing = skills.FirstOrDefault(t => t.SkillId == skillId) ?? new SkillTally(skillId, name ?? "", positive, 0, 0);
        var updated = existing with { Count = existing.Count + count, Points = existing.Points + points };
        return [.. skills.Where(t => t.SkillId != skillId), updated];
    }

    private static List<DayTally> CountDay(IReadOnlyList<DayTally> days, DateOnly day, int delta)
    {
        var existing = days.FirstOrDefault(d => d.Day == day) ?? new DayTally(day, 0);
        return [.. days.Where(d => d.Day != day), existing with { Count = existing.Count + delta }];
    }
}

public static class GetClassSummaryEndpoint
{
    /// <summary>The class's statistics for its teacher, leaders and the DPO (eventually consistent: built by the daemon).</summary>
    [WolverineGet("/api/classes/{classId}/summary")]
    public static async Task<IResult> Get(string classId, ClaimsPrincipal user, IQuerySession session, CancellationToken ct)
    {
        if (!Ids.TryParse(classId, "classId", out var id, out var bad)) return bad!;
        var caller = Caller.Of(user);
        if (await ClassAccess.ReadableAsync(session, caller, id, ct) is null) return Problems.NotFound("class");
        var summary = await session.LoadAsync<ClassSummary>(id, ct) ?? new ClassSummary(id, 0, 0, 0, 0, [], [], null, null);
        return Results.Ok(summary with
        {
            Skills = summary.Skills.OrderBy(s => s.SkillName).ToList(),
            Days = summary.Days.OrderBy(d => d.Day).ToList(),
        });
    }
}
