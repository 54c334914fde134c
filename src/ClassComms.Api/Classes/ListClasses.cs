using ClassComms.PersonalData;
using ClassComms.Platform;
using Marten;
using Wolverine.Http;

namespace ClassComms.Classes;

public sealed record ClassListItem(Guid ClassId, string? Name, Guid TeacherId, int StudentCount);

public static class ListClassesEndpoint
{
    /// <summary>Classes the caller teaches; leaders and the DPO see every class of their school.</summary>
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
