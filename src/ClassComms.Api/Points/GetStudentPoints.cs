using ClassComms.AccessLog;
using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Retention;
using ClassComms.Schools;
using ClassComms.Students;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Points;

/// <summary>One point; <c>shredded</c>: its month's points key was destroyed by the school's retention policy (its note is gone).</summary>
public sealed record PointView(Guid PointId, Guid AwardId, Guid SkillId, string? SkillName, bool Positive, int Value, string? Note,
    DateTimeOffset AwardedAt, bool Shredded = false);

public sealed record StudentPointsView(Guid StudentId, string? Name, bool Erased, int PositivePoints, int NeedsWorkPoints,
    IReadOnlyList<PointView> Points, string? Next);

public static class GetStudentPointsEndpoint
{
    public const int MaxPageSize = 200;

    /// <summary>Read a student's totals and point history, newest first.</summary>
    /// <remarks>
    /// Totals and history of one student, newest first, for the class teacher, leaders, the DPO and the student's visible
    /// guardians. Page with <c>before</c> (the <c>next</c> value of the previous page).
    /// </remarks>
    [ProducesResponseType<StudentPointsView>(StatusCodes.Status200OK)]
    [WolverineGet("/api/students/{studentId}/points")]
    public static async Task<IResult> Get(Guid studentId, Guid? before, int? limit, Caller caller, IQuerySession session,
        PersonalDataVault vault, StaffReads reads, CancellationToken ct)
    {
        var take = limit ?? 50;
        if (take is < 1 or > MaxPageSize) return Problems.Invalid("limit", $"must be between 1 and {MaxPageSize}.");
        var student = await StudentAccess.ReadableAsync(session, caller, studentId, ct);
        if (student is null) return Problems.NotFound("student");

        var query = session.Query<PointEntry>().Where(p => p.StudentId == studentId && p.RemovedAt == null);
        if (before is { } c)
        {
            var last = await session.LoadAsync<PointEntry>(c, ct);
            if (last is null || last.StudentId != studentId) return Problems.Invalid("before", "is not a point of this student.");
            query = query.Where(p => p.AwardedAt < last.AwardedAt);
        }

        var page = await query.OrderByDescending(p => p.AwardedAt).Take(take + 1).ToListAsync(ct);

        var retentionKeys = page.Take(take).Select(p => p.RetentionKey).OfType<Guid>().Distinct().ToList();
        await vault.PreloadAsync([caller.SchoolId, studentId, .. retentionKeys], ct);
        var points = new List<PointView>();
        var shreddedKeys = await RetentionKeys.ShreddedAmongAsync(vault, retentionKeys.Select(k => (Guid?)k), ct);
        foreach (var p in page.Take(take))
        {
            var shredded = p.RetentionKey is { } key && shreddedKeys.Contains(key);
            points.Add(new PointView(p.Id, p.AwardId, p.SkillId, await vault.OpenAsync(p.SkillName, p.SkillId, ct), p.Positive, p.Value,
                shredded ? null : await vault.UnsealAsync(p.Note, p.Id.ToString(), ct), p.AwardedAt, shredded));
        }

        var next = page.Count > take ? points[^1].PointId.ToString() : null;
        await reads.RecordAsync(caller, studentId, AccessKinds.Points, null, ct);
        return Results.Ok(new StudentPointsView(student.Id, await vault.UnsealAsync(student.Name, ct), student.Erased,
            student.PositivePoints, student.NeedsWorkPoints, points, next));
    }
}
