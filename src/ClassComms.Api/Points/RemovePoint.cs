using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace ClassComms.Points;

/// <summary>A teacher deletes one point at any time.</summary>
public static class RemovePointEndpoint
{
    /// <summary>Remove one point.</summary>
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesProblems(409)]
    [WolverineDelete("/api/points/{pointId}")]
    public static async Task<(IResult, OutgoingMessages)> DeletePoint(Guid pointId, Caller caller, IDocumentSession session,
        TimeProvider clock, CancellationToken ct)
    {
        var entry = await session.LoadAsync<PointEntry>(pointId, ct);
        if (entry is null || !await PointRemoval.CanTeachAsync(session, caller, entry.ClassId, ct)) return (Problems.NotFound("point"), []);

        var (streams, active) = await PointRemoval.LockAndReloadAsync(session, [entry], ct);
        if (active.Count == 0) return (Problems.Conflict("The point was already removed."), []);

        PointRemoval.Remove(streams, caller, active, clock.GetUtcNow());
        return (Results.NoContent(), new OutgoingMessages { new PointsChanged(caller.SchoolId, [pointId]) });
    }
}
