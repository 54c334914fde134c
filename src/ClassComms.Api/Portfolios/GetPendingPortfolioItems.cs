using ClassComms.AccessLog;
using ClassComms.Classes;
using ClassComms.PersonalData;
using ClassComms.ProcessingRestriction;
using ClassComms.Platform;
using ClassComms.Students;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Portfolios;

/// <summary>The items of a class waiting for approval, oldest first; <c>more</c> when there were more than <c>limit</c>.</summary>
public sealed record PendingPortfolioItems(Guid ClassId, IReadOnlyList<PortfolioItemView> Items, bool More);

/// <summary>
/// The approvals queue of a class in one query: every item its students added that nobody has approved, rejected or deleted yet,
/// for those who may approve them — the class's teacher and the school's leaders (<see cref="PortfolioAccess.Decide"/> per student,
/// frozen students left out as <see cref="PortfolioAccess.ViewerAsync"/> leaves them out; erased students have no items). Anyone
/// else: 404, as for the class. Each student whose items are returned gets one access-log entry (kind <c>portfolio</c>, as the
/// per-student read), all in one insert.
/// </summary>
public static class GetPendingPortfolioItemsEndpoint
{
    public const int MaxPageSize = 200;

    /// <summary>The class's portfolio items waiting for approval (its teacher, a leader), oldest first.</summary>
    [ProducesResponseType<PendingPortfolioItems>(StatusCodes.Status200OK)]
    [WolverineGet("/api/classes/{classId}/portfolio/pending")]
    public static async Task<IResult> Get(Guid classId, int? limit, Caller caller, IQuerySession session, PersonalDataVault vault, StaffReads reads,
        CancellationToken ct)
    {
        var take = limit ?? 100;
        if (take is < 1 or > MaxPageSize) return Problems.Invalid("limit", $"must be between 1 and {MaxPageSize}.");
        if (!caller.IsTeacherOrLeader) return Problems.NotFound("class");
        var schoolClass = await session.LoadAsync<SchoolClass>(classId, ct);
        if (schoolClass is null || !ClassAccess.CanTeach(caller, schoolClass)) return Problems.NotFound("class");

        var batch = session.CreateBatchQuery();
        var rosterLoad = batch.LoadMany<Student>().ById(schoolClass.StudentIds.ToArray());
        var restrictionsLoad = batch.LoadMany<SubjectRestriction>().ById(schoolClass.StudentIds.ToArray());
        await batch.Execute(ct);
        var frozen = (await restrictionsLoad).Select(r => r.Id).ToHashSet();
        var students = PortfolioAccess.StaffViewable(caller, schoolClass, await rosterLoad, frozen);
        if (students.Count == 0) return Results.Ok(new PendingPortfolioItems(classId, [], false));

        var ids = students.Select(s => s.Id).ToArray();
        var page = await session.Query<PortfolioItem>()
            .Where(i => i.StudentId.IsOneOf(ids) && !i.Approved && !i.Rejected && i.DeletedAt == null)
            .OrderBy(i => i.AddedAt).ThenBy(i => i.Id).Take(take + 1).ToListAsync(ct);
        var more = page.Count > take;
        var shown = page.Take(take).ToList();

        var readOf = shown.Select(i => i.StudentId).Distinct().ToList();
        await vault.PreloadAsync(readOf, ct);
        var items = new List<PortfolioItemView>(shown.Count);
        foreach (var item in shown) items.Add(await GetPortfolioEndpoint.ViewAsync(vault, item, ct));
        // One entry per student whose items are shown, as each per-student read records one, in one insert (AccessLog/).
        await reads.RecordAsync(caller, readOf.Select(id => new StaffRead(id, AccessKinds.Portfolio, null)).ToList(), ct);
        return Results.Ok(new PendingPortfolioItems(classId, items, more));
    }
}
