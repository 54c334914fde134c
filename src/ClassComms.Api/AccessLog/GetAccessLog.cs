using ClassComms.PersonalData;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.AccessLog;

public sealed record AccessLogPage(IReadOnlyList<AccessLogEntry> Entries, long? Next);

public static class GetAccessLogEndpoint
{
    public const int MaxPageSize = 200;

    /// <summary>The DPO reads the school's access log: who read which student's data, what and when.</summary>
    /// <remarks>
    /// Newest first, narrowed by <c>studentId</c>, <c>staffId</c> (the reader's membership), <c>from</c> (inclusive) and <c>to</c>
    /// (exclusive); page with <c>before</c> (the <c>next</c> of the previous page). An erased student's entries are still listed
    /// (ids, role, time) with <c>shredded: true</c> and no kind. The DPO only (403 otherwise). Reading the log is not itself logged.
    /// </remarks>
    [ProducesResponseType<AccessLogPage>(StatusCodes.Status200OK)]
    [ProducesProblems(403)]
    [WolverineGet("/api/dpo/access-log")]
    public static async Task<IResult> Get(Guid? studentId, Guid? staffId, DateTimeOffset? from, DateTimeOffset? to, long? before, int? limit,
        Caller caller, IQuerySession session, PersonalDataVault vault, CancellationToken ct)
    {
        if (caller.Role != Role.Dpo) return Problems.Forbidden("Only the school's data protection officer reads the access log.");
        var take = limit ?? 50;
        if (take is < 1 or > MaxPageSize) return Problems.Invalid("limit", $"must be between 1 and {MaxPageSize}.");
        if (before is < 1) return Problems.Invalid("before", "must be a positive entry number.");
        if (from is { } f && to is { } t && t <= f) return Problems.Invalid("to", "must be after from.");
        var (entries, next) = await AccessLogQueries.PageAsync(session, vault, new AccessLogFilter(studentId, staffId, from, to), before, take,
            newestFirst: true, ct);
        return Results.Ok(new AccessLogPage(entries, next));
    }
}
