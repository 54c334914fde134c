using ClassComms.Accounts;
using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Students;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.AccessLog;

/// <summary>One staff read as a family sees it: the staff member by role and name (as threads show staff), what, when.</summary>
public sealed record StudentAccessView(long Seq, DateTimeOffset At, Guid StaffId, string Role, string? StaffName, string? What);

public sealed record StudentAccessPage(Guid StudentId, IReadOnlyList<StudentAccessView> Entries, long? Next);

public static class GetStudentAccessLogEndpoint
{
    public const int MaxPageSize = 100;

    /// <summary>"Who looked at my child's data": the staff reads of a student's data, newest first.</summary>
    /// <remarks>
    /// For the student's linked, unrestricted guardians and the student's own account (the audience decision for the child's
    /// record); anyone else, staff included, gets 404 (the DPO reads the whole log at <c>/api/dpo/access-log</c>). Each entry: the
    /// reader's role and name (null once that staff member is erased), what kind of data, when. Page with <c>before</c>.
    /// </remarks>
    [ProducesResponseType<StudentAccessPage>(StatusCodes.Status200OK)]
    [WolverineGet("/api/students/{studentId}/access-log")]
    public static async Task<IResult> Get(Guid studentId, long? before, int? limit, Caller caller, IQuerySession session, PersonalDataVault vault,
        CancellationToken ct)
    {
        var take = limit ?? 50;
        if (take is < 1 or > MaxPageSize) return Problems.Invalid("limit", $"must be between 1 and {MaxPageSize}.");
        if (before is < 1) return Problems.Invalid("before", "must be a positive entry number.");
        if (caller.Role is not (Role.Guardian or Role.Student)) return Problems.NotFound("student");
        if (await StudentAccess.ReadableAsync(session, caller, studentId, ct) is null) return Problems.NotFound("student");

        var (entries, next) = await AccessLogQueries.PageAsync(session, vault, new AccessLogFilter(StudentId: studentId), before, take, newestFirst: true, ct);
        var readers = (await session.LoadManyAsync<UserAccount>(ct, entries.Select(e => e.ReaderId).Distinct()))
            .Where(a => a.SchoolId == caller.SchoolId).ToDictionary(a => a.Id);
        await vault.PreloadAsync(readers.Keys, ct);
        var views = new List<StudentAccessView>(entries.Count);
        foreach (var e in entries)
        {
            var name = readers.TryGetValue(e.ReaderId, out var account) ? await vault.UnsealAsync(account.Name, ct) : null;
            views.Add(new StudentAccessView(e.Seq, e.At, e.ReaderId, e.ReaderRole, name, e.Kind));
        }

        return Results.Ok(new StudentAccessPage(studentId, views, next));
    }
}
