using ClassComms.AccessLog;
using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Students;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Classes;

public sealed record RosterEntry(Guid StudentId, string? Name, bool Erased, int PositivePoints, int NeedsWorkPoints, int GuardianCount);

public sealed record ClassView(Guid ClassId, string? Name, Guid TeacherId, IReadOnlyList<Skill> Skills, IReadOnlyList<RosterEntry> Students, long Version);

public static class GetClassEndpoint
{
    /// <summary>Read a class: its skills and roster; the `ETag` is its version, for `If-Match`.</summary>
    /// <remarks>The class with its roster, names unsealed for the caller (students frozen by the DPO left out, except for the DPO). ETag = stream version (use it in If-Match).</remarks>
    [ProducesResponseType<ClassView>(StatusCodes.Status200OK)]
    [WolverineGet("/api/classes/{classId}")]
    public static async Task<IResult> Get(Guid classId, HttpContext http, Caller caller, IQuerySession session,
        PersonalDataVault vault, StaffReads reads, CancellationToken ct)
    {
        var schoolClass = await ClassAccess.ReadableAsync(session, caller, classId, ct);
        if (schoolClass is null) return Problems.NotFound("class");

        var students = await session.LoadManyAsync<Student>(ct, schoolClass.StudentIds);
        // A student whose processing the DPO restricted is left out of the roster for everyone but the DPO, as their record is (404).
        var frozen = caller.Role == Role.Dpo ? new HashSet<Guid>() : await ProcessingRestriction.Restrictions.FrozenAsync(session, schoolClass.StudentIds, ct);
        students = students.Where(s => !frozen.Contains(s.Id)).ToList();
        await vault.PreloadAsync([caller.SchoolId, .. students.Select(s => s.Id)], ct);
        var roster = new List<RosterEntry>();
        var byId = students.ToDictionary(s => s.Id);
        foreach (var s in schoolClass.StudentIds.Where(byId.ContainsKey).Select(id => byId[id])) // enrolment order
        {
            roster.Add(new RosterEntry(s.Id, await vault.UnsealAsync(s.Name, ct), s.Erased, s.PositivePoints, s.NeedsWorkPoints,
                s.VisibleGuardianIds.Count));
        }

        // A roster shows each student's name and totals: one access-log entry per student shown, in one insert (AccessLog/).
        await reads.RecordAsync(caller, roster.Select(r => new StaffRead(r.StudentId, AccessKinds.ClassRoster, classId)).ToList(), ct);
        var state = await session.Events.FetchStreamStateAsync(classId, ct);
        var version = state?.Version ?? 0;
        http.Response.Headers.ETag = ClassAccess.ETag(version);
        return Results.Ok(new ClassView(schoolClass.Id, await schoolClass.NameAsync(vault, ct), schoolClass.TeacherId,
            await schoolClass.SkillViewsAsync(vault, ct), roster, version));
    }
}
