using ClassComms.AccessLog;
using ClassComms.Accounts;
using ClassComms.PersonalData;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Students;

public sealed record GuardianView(Guid GuardianId, string? Name, bool Restricted, DateTimeOffset LinkedAt);

public sealed record StudentView(Guid StudentId, Guid ClassId, string? Name, bool Erased, DateTimeOffset? ErasedAt, int PositivePoints,
    int NeedsWorkPoints, IReadOnlyList<GuardianView>? Guardians);

public static class GetStudentEndpoint
{
    /// <summary>Read a student as the caller may see them (staff also see the guardians).</summary>
    /// <remarks>A student as the caller may see them. Staff also see the guardians (with restrictions); guardians do not.</remarks>
    [ProducesResponseType<StudentView>(StatusCodes.Status200OK)]
    [WolverineGet("/api/students/{studentId}")]
    public static async Task<IResult> Get(Guid studentId, Caller caller, IQuerySession session, PersonalDataVault vault, StaffReads reads,
        CancellationToken ct)
    {
        var student = await StudentAccess.ReadableAsync(session, caller, studentId, ct);
        if (student is null) return Problems.NotFound("student");

        List<GuardianView>? guardians = null;
        if (caller.IsStaff)
        {
            // A guardian whose processing the DPO restricted is shown to the DPO only (ProcessingRestriction/).
            var frozen = caller.Role == Role.Dpo
                ? new HashSet<Guid>()
                : await ProcessingRestriction.Restrictions.FrozenAsync(session, student.Guardians.Select(g => g.GuardianId).ToList(), ct);
            var accounts = (await session.LoadManyAsync<UserAccount>(ct, student.Guardians.Select(g => g.GuardianId)))
                .Where(a => a.SchoolId == caller.SchoolId).ToDictionary(a => a.Id);
            await vault.PreloadAsync(accounts.Keys, ct);
            guardians = [];
            foreach (var g in student.Guardians.Where(g => !frozen.Contains(g.GuardianId)))
            {
                var name = accounts.TryGetValue(g.GuardianId, out var account) ? await vault.UnsealAsync(account.Name, ct) : null;
                guardians.Add(new GuardianView(g.GuardianId, name, g.Restricted, g.LinkedAt));
            }
        }

        await reads.RecordAsync(caller, studentId, AccessKinds.Record, null, ct);
        return Results.Ok(new StudentView(student.Id, student.ClassId, await vault.UnsealAsync(student.Name, ct), student.Erased,
            student.ErasedAt, student.PositivePoints, student.NeedsWorkPoints, guardians));
    }
}
