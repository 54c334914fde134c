using ClassComms.Audience;
using ClassComms.Classes;
using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Students;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Guardians;

public sealed record ChildView(Guid StudentId, string? Name, Guid ClassId, string? ClassName, int PositivePoints, int NeedsWorkPoints);

public static class GetMyChildrenEndpoint
{
    /// <summary>List the guardian's linked, unrestricted children with their point totals.</summary>
    /// <remarks>The guardian's linked, unrestricted, not-erased children.</remarks>
    [ProducesResponseType<IReadOnlyList<ChildView>>(StatusCodes.Status200OK)]
    [ProducesProblems(403)]
    [WolverineGet("/api/guardians/me/children")]
    public static async Task<IResult> Get(Caller caller, IQuerySession session, PersonalDataVault vault, CancellationToken ct)
    {
        if (caller.Role != Role.Guardian) return Problems.Forbidden("Only guardians have children here.");
        var children = await VisibleChildrenAsync(session, caller.UserId, ct);
        var classes = await session.LoadManyAsync<SchoolClass>(ct, children.Select(c => c.ClassId).Distinct());
        await vault.PreloadAsync([caller.SchoolId, .. children.Select(c => c.Id)], ct);
        var views = new List<ChildView>();
        foreach (var child in children)
        {
            var schoolClass = classes.FirstOrDefault(c => c.Id == child.ClassId);
            views.Add(new ChildView(child.Id, await vault.UnsealAsync(child.Name, ct), child.ClassId,
                schoolClass is null ? "" : await schoolClass.NameAsync(vault, ct), child.PositivePoints, child.NeedsWorkPoints));
        }

        return Results.Ok(views);
    }

    /// <summary>
    /// The guardian's children they may see now: from their access document (one load by id), then the students (one load by
    /// ids). No scan of the school's students.
    /// </summary>
    public static async Task<IReadOnlyList<Student>> VisibleChildrenAsync(IQuerySession session, Guid guardianId, CancellationToken ct)
    {
        var access = await AudienceAccess.LoadAsync(session, guardianId, ct);
        var ids = VisibleChildIds(access);
        if (ids.Count == 0) return [];
        var students = (await session.LoadManyAsync<Student>(ct, ids)).ToDictionary(s => s.Id);
        return ids.Where(students.ContainsKey).Select(id => students[id]).Where(s => !s.Erased).ToList();
    }

    /// <summary>The ids of the children whose record the person may see (<see cref="Visibility"/>).</summary>
    public static IReadOnlyList<Guid> VisibleChildIds(AudienceAccess? access) =>
        access is null ? [] : access.Children.Where(c => Visibility.CanSee(access, AudienceItem.Record(c.StudentId, c.ClassId))).Select(c => c.StudentId).ToList();
}
