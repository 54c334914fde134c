using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Notifications;

/// <summary>A guardian unmutes a class.</summary>
public static class UnmuteClassEndpoint
{
    /// <summary>Unmute the pushes of a class.</summary>
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesProblems(403)]
    [WolverineDelete("/api/guardians/me/muted-classes/{classId}")]
    public static async Task<IResult> Unmute(Guid classId, Caller caller, IDocumentSession session, TimeProvider clock, CancellationToken ct) =>
        await MuteClassEndpoint.SetMute(classId, false, caller, session, clock, ct);
}
