using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Retention;

public sealed record RetentionRunsView(IReadOnlyList<RetentionRunRecorded> Runs);

public static class RetentionRunEndpoints
{
    public const int MaxRuns = 100;

    /// <summary>What the next retention run would do now (the DPO), without doing it: key ids, student ids, counts.</summary>
    [ProducesResponseType<RetentionPlan>(StatusCodes.Status200OK)]
    [ProducesProblems(403)]
    [WolverineGet("/api/retention/preview")]
    public static async Task<IResult> PreviewRetention(Caller caller, RetentionRunner runner, CancellationToken ct)
    {
        if (caller.Role != Role.Dpo) return Problems.Forbidden("Only the school's data protection officer previews retention.");
        return Results.Ok(await runner.PreviewAsync(caller.SchoolId, ct));
    }

    /// <summary>The school's retention runs, newest first (the DPO): what each did, ids and counts only.</summary>
    [ProducesResponseType<RetentionRunsView>(StatusCodes.Status200OK)]
    [ProducesProblems(403)]
    [WolverineGet("/api/retention/runs")]
    public static async Task<IResult> ListRetentionRuns(Caller caller, IQuerySession session, CancellationToken ct)
    {
        if (caller.Role != Role.Dpo) return Problems.Forbidden("Only the school's data protection officer reads retention runs.");
        var events = await session.Events.FetchStreamAsync(RetentionKeys.LogId(caller.SchoolId), token: ct);
        return Results.Ok(new RetentionRunsView(events.Select(e => e.Data).OfType<RetentionRunRecorded>().Reverse().Take(MaxRuns).ToList()));
    }

    /// <summary>Run the school's retention now (the DPO): the run's report; 409 while another run of the school is under way.</summary>
    [ProducesResponseType<RetentionRunRecorded>(StatusCodes.Status200OK)]
    [ProducesProblems(403, 409)]
    [WolverinePost("/api/retention/runs")]
    public static async Task<IResult> RunRetention(Caller caller, RetentionRunner runner, CancellationToken ct)
    {
        if (caller.Role != Role.Dpo) return Problems.Forbidden("Only the school's data protection officer runs retention.");
        var run = await runner.RunAsync(caller.SchoolId, caller.UserId, RetentionRunner.ByDpo, ct);
        return run is null ? Problems.Conflict("A retention run of this school is under way; read its report in a moment.") : Results.Ok(run);
    }
}
