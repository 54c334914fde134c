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

    public static async Task<IReadOnlyList<Student>> VisibleChildrenAsync(IQuerySession session, Guid guardianId, CancellationToken ct)
    {
        var students = await session.Query<Student>().Where(s => s.VisibleGuardianIds.Contains(guardianId)).ToListAsync(ct);
        return students.Where(s => s.IsVisibleTo(guardianId)).ToList();
    }
}
