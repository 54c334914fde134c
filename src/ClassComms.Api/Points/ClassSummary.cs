using ClassComms.Classes;
using ClassComms.PersonalData;
using ClassComms.ProcessingRestriction;
using ClassComms.Platform;
using ClassComms.Schools;
using Marten;
using Marten.Events.Projections;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Points;

public sealed record SkillTally(Guid SkillId, string? SkillName, bool Positive, int Count, int Points);

/// <summary>A skill's tally as stored: the name stays sealed under the school's key until read.</summary>
public sealed record StoredSkillTally(Guid SkillId, Sealed? SkillName, bool Positive, int Count, int Points);

public sealed record DayTally(DateOnly Day, int Count);

/// <summary>
/// Non-personal class statistics: points per skill, counts and dates. No student ids, so it survives erasure
/// unchanged. Built by the async daemon; stored as <see cref="StoredClassSummary"/> with sealed skill names.
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

public sealed record StoredClassSummary(
    Guid Id,
    int PointsAwarded,
    int PointsRemoved,
    int PositivePoints,
    int NeedsWorkPoints,
    IReadOnlyList<StoredSkillTally> Skills,
    IReadOnlyList<DayTally> Days,
    DateTimeOffset? FirstAwardAt,
    DateTimeOffset? LastAwardAt);

public sealed partial class ClassSummaryProjection : MultiStreamProjection<StoredClassSummary, Guid>
{
    public ClassSummaryProjection()
    {
        Identity<PointAwarded>(e => e.ClassId);
        Identity<PointRemoved>(e => e.ClassId);
    }

    public StoredClassSummary Create(PointAwarded e) =>
        Apply(new StoredClassSummary(e.ClassId, 0, 0, 0, 0, [], [], null, null), e);

    public StoredClassSummary Apply(StoredClassSummary s, PointAwarded e) => s with
    {
        PointsAwarded = s.PointsAwarded + 1,
        PositivePoints = s.PositivePoints + (e.Positive ? e.Value : 0),
        NeedsWorkPoints = s.NeedsWorkPoints + (e.Positive ? 0 : e.Value),
        Skills = Tally(s.Skills, e.SkillId, e.SkillName, e.Positive, +1, e.Value),
        Days = CountDay(s.Days, DateOnly.FromDateTime(e.At.UtcDateTime), +1),
        FirstAwardAt = s.FirstAwardAt is { } first && first <= e.At ? first : e.At,
        LastAwardAt = s.LastAwardAt is { } last && last >= e.At ? last : e.At,
    };

    public StoredClassSummary Apply(StoredClassSummary s, PointRemoved e) => s with
    {
        PointsRemoved = s.PointsRemoved + 1,
        PositivePoints = s.PositivePoints - (e.Positive ? e.Value : 0),
        NeedsWorkPoints = s.NeedsWorkPoints - (e.Positive ? 0 : e.Value),
        Skills = Tally(s.Skills, e.SkillId, null, e.Positive, -1, -e.Value),
    };

    private static List<StoredSkillTally> Tally(IReadOnlyList<StoredSkillTally> skills, Guid skillId, Sealed? name, bool positive, int count, int points)
    {
        var existing = skills.FirstOrDefault(t => t.SkillId == skillId) ?? new StoredSkillTally(skillId, name, positive, 0, 0);
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
    /// <summary>Read a class's non-personal statistics per skill and day.</summary>
    /// <remarks>The class's statistics for its teacher, leaders and the DPO (eventually consistent: built by the daemon).</remarks>
    [ProducesResponseType<ClassSummary>(StatusCodes.Status200OK)]
    [WolverineGet("/api/classes/{classId}/summary")]
    public static async Task<IResult> Get(Guid classId, Caller caller, IQuerySession session, PersonalDataVault vault,
        CancellationToken ct)
    {
        if (await ClassAccess.ReadableAsync(session, caller, classId, ct) is null) return Problems.NotFound("class");
        var batch = session.CreateBatchQuery();
        var storedLoad = batch.Load<StoredClassSummary>(classId);
        var frozenLoad = batch.Query<SubjectRestriction>().Where(r => r.SubjectKind == Restrictions.Student).Select(r => r.Id).ToList();
        await batch.Execute(ct);
        var stored = await storedLoad ?? new StoredClassSummary(classId, 0, 0, 0, 0, [], [], null, null);
        var frozen = (await frozenLoad).ToArray();
        if (caller.Role != Role.Dpo && frozen.Length > 0)
        {
            // A student whose processing is restricted is not counted for anyone but the DPO: their points of this class come out.
            var entries = await session.Query<PointEntry>().Where(p => p.ClassId == classId && p.StudentId.IsOneOf(frozen)).ToListAsync(ct);
            stored = Without(stored, entries);
        }

        var skills = new List<SkillTally>();
        foreach (var t in stored.Skills)
        {
            skills.Add(new SkillTally(t.SkillId, await vault.OpenAsync(t.SkillName, t.SkillId, ct), t.Positive, t.Count, t.Points));
        }

        return Results.Ok(new ClassSummary(stored.Id, stored.PointsAwarded, stored.PointsRemoved, stored.PositivePoints, stored.NeedsWorkPoints,
            skills.OrderBy(s => s.SkillName).ToList(), stored.Days.OrderBy(d => d.Day).ToList(), stored.FirstAwardAt, stored.LastAwardAt));
    }

    /// <summary>
    /// The summary without the given points (each undoes its award, and its removal if removed; never below zero, since the summary is
    /// built by the daemon and may not have counted the newest yet). First and last award times are kept (they name no one).
    /// </summary>
    public static StoredClassSummary Without(StoredClassSummary s, IReadOnlyList<PointEntry> entries)
    {
        var skills = s.Skills.ToDictionary(t => t.SkillId);
        var days = s.Days.ToDictionary(d => d.Day);
        var (awarded, removed, positive, needsWork) = (s.PointsAwarded, s.PointsRemoved, s.PositivePoints, s.NeedsWorkPoints);
        foreach (var e in entries)
        {
            awarded--;
            var value = e.Removed ? 0 : e.Value; // a removal already took the value out
            if (e.Removed) removed--;
            if (e.Positive) positive -= value;
            else needsWork -= value;
            if (skills.TryGetValue(e.SkillId, out var tally)) skills[e.SkillId] = tally with { Count = tally.Count - (e.Removed ? 0 : 1), Points = tally.Points - value };
            var day = DateOnly.FromDateTime(e.AwardedAt.UtcDateTime);
            if (days.TryGetValue(day, out var d)) days[day] = d with { Count = d.Count - 1 };
        }

        return s with
        {
            PointsAwarded = Math.Max(0, awarded),
            PointsRemoved = Math.Max(0, removed),
            PositivePoints = Math.Max(0, positive),
            NeedsWorkPoints = Math.Max(0, needsWork),
            Skills = skills.Values.Select(t => t with { Count = Math.Max(0, t.Count), Points = Math.Max(0, t.Points) }).ToList(),
            Days = days.Values.Where(d => d.Count > 0).ToList(),
        };
    }
}
