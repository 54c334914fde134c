using ClassComms.PersonalData;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Classes;

public sealed record ClassListItem(Guid ClassId, string? Name, Guid TeacherId, int StudentCount);

public static class ListClassesEndpoint
{
    /// <summary>List the classes the caller teaches (leaders and the DPO: every class of the school).</summary>
    /// <remarks>Classes the caller teaches; leaders and the DPO see every class of their school.</remarks>
    [ProducesResponseType<IReadOnlyList<ClassListItem>>(StatusCodes.Status200OK)]
    [ProducesProblems(403)]
    [WolverineGet("/api/classes")]
    public static async Task<IResult> List(Caller caller, IQuerySession session, PersonalDataVault vault, CancellationToken ct)
    {
        if (!caller.IsStaff) return Problems.Forbidden("Only school staff list classes.");
        var query = session.Query<SchoolClass>();
        var classes = caller.Role == Role.Teacher
            ? await query.Where(c => c.TeacherId == caller.UserId).ToListAsync(ct)
            : await query.ToListAsync(ct);
        var items = new List<ClassListItem>();
        foreach (var c in classes) items.Add(new ClassListItem(c.Id, await c.NameAsync(vault, ct), c.TeacherId, c.StudentIds.Count));
        return Results.Ok(items.OrderBy(c => c.Name).ToList());
    }
}
