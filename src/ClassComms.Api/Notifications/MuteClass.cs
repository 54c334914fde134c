using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Notifications;

/// <summary>A guardian mutes a class of one of their children: no pushes for it (messages stay in the inbox).</summary>
public static class MuteClassEndpoint
{
    /// <summary>Mute the pushes of one of the guardian's classes.</summary>
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesProblems(403)]
    [WolverinePost("/api/guardians/me/muted-classes/{classId}")]
    public static async Task<IResult> Mute(Guid classId, Caller caller, IDocumentSession session, CancellationToken ct) =>
        await SetMute(classId, true, caller, session, ct);

    internal static async Task<IResult> SetMute(Guid classId, bool muted, Caller caller, IDocumentSession session, CancellationToken ct)
    {
        if (caller.Role != Role.Guardian) return Problems.Forbidden("Only guardians mute classes.");
        var children = await Guardians.GetMyChildrenEndpoint.VisibleChildrenAsync(session, caller.UserId, ct);
        if (children.All(c => c.ClassId != classId)) return Problems.NotFound("class");
        var prefs = await session.LoadAsync<GuardianPreferences>(caller.UserId, ct) ?? new GuardianPreferences { Id = caller.UserId };
        prefs.MutedClassIds.Remove(classId);
        if (muted) prefs.MutedClassIds.Add(classId);
        session.Store(prefs);
        return Results.NoContent();
    }
}
