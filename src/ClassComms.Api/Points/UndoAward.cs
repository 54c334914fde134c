using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace ClassComms.Points;

public sealed record PointsRemovedResponse(Guid AwardId, int Removed);

/// <summary>A teacher undoes a whole award: every point it gave that is still there.</summary>
public static class UndoAwardEndpoint
{
    /// <summary>Undo a whole award: every point it gave that is still there.</summary>
    [ProducesResponseType<PointsRemovedResponse>(StatusCodes.Status200OK)]
    [ProducesProblems(409)]
    [WolverineDelete("/api/awards/{awardId}")]
    public static async Task<(IResult, OutgoingMessages)> UndoAward(Guid awardId, Caller caller, IDocumentSession session,
        TimeProvider clock, CancellationToken ct)
    {
        var entries = await session.Query<PointEntry>().Where(p => p.AwardId == awardId).ToListAsync(ct);
        if (entries.Count == 0 || !await PointRemoval.CanTeachAsync(session, caller, entries[0].ClassId, ct)) return (Problems.NotFound("award"), []);

        var (streams, active) = await PointRemoval.LockAndReloadAsync(session, entries, ct);
        if (active.Count == 0) return (Problems.Conflict("The award was already undone."), []);

        PointRemoval.Remove(streams, caller, active, clock.GetUtcNow());
        return (Results.Ok(new PointsRemovedResponse(awardId, active.Count)),
            new OutgoingMessages { new PointsChanged(caller.SchoolId, active.Select(e => e.Id).ToList()) });
    }
}
