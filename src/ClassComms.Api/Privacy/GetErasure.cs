using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Privacy;

public static class ErasureAnswers
{
    public static string Location(Guid subjectId) => $"/api/privacy/erasures/{subjectId}";

    /// <summary>202: the erasure is recorded and runs in the background; poll the Location.</summary>
    public static IResult Accepted(Erasure erasure) => Results.Accepted(Location(erasure.SubjectId), ErasureStatus.Of(erasure));

    /// <summary>A repeated request: 200 once completed, 202 while it still runs. Nothing new is started.</summary>
    public static IResult Current(Erasure erasure) =>
        erasure.CompletedAt is null ? Accepted(erasure) : Results.Ok(ErasureStatus.Of(erasure));
}

/// <summary>The DPO follows an erasure: requested, in progress or completed, with the time of each step.</summary>
public static class GetErasureEndpoint
{
    /// <summary>Follow an erasure (DPO): requested, in progress or completed, with the time of each step.</summary>
    [ProducesResponseType<ErasureStatus>(StatusCodes.Status200OK)]
    [ProducesProblems(403)]
    [WolverineGet("/api/privacy/erasures/{subjectId}")]
    public static async Task<IResult> Get(Guid subjectId, Caller caller, IQuerySession session, CancellationToken ct)
    {
        if (caller.Role != Role.Dpo) return Problems.Forbidden("Only the school's data protection officer can follow an erasure.");
        var erasure = await session.LoadAsync<Erasure>(Erasure.IdFor(subjectId), ct);
        return erasure is null ? Problems.NotFound("erasure") : Results.Ok(ErasureStatus.Of(erasure));
    }
}
