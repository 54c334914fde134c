using ClassComms.Audience;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Notifications;

/// <summary>
/// A guardian mutes a class of one of their children: no pushes for it (messages stay in the inbox). Recorded as an event on
/// the guardian's own stream (<see cref="ClassMuted"/>), so the mute is in their access document, where pushes read it.
/// </summary>
public static class MuteClassEndpoint
{
    /// <summary>Mute the pushes of one of the guardian's classes.</summary>
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesProblems(403)]
    [WolverinePost("/api/guardians/me/muted-classes/{classId}")]
    public static async Task<IResult> Mute(Guid classId, Caller caller, IDocumentSession session, TimeProvider clock, CancellationToken ct) =>
        await SetMute(classId, true, caller, session, clock, ct);

    internal static async Task<IResult> SetMute(Guid classId, bool muted, Caller caller, IDocumentSession session, TimeProvider clock,
        CancellationToken ct)
    {
        if (caller.Role != Role.Guardian) return Problems.Forbidden("Only guardians mute classes.");
        var access = await AudienceAccess.LoadAsync(session, caller.UserId, ct);
        if (access is null || !access.ClassIds.Contains(classId)) return Problems.NotFound("class");
        if (access.Muted(classId) == muted) return Results.NoContent();
        session.Events.Append(caller.UserId, muted
            ? new ClassMuted(caller.UserId, classId, clock.GetUtcNow())
            : new ClassUnmuted(caller.UserId, classId, clock.GetUtcNow()));
        return Results.NoContent();
    }
}
