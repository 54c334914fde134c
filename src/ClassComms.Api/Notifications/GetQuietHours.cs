using ClassComms.Platform;
using ClassComms.Schools;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Notifications;

/// <summary>A staff member's quiet hours: their own (null when they use the school's) and the school's default (null when none).</summary>
public sealed record MyQuietHours(QuietHours? Mine, QuietHours? School);

public static class GetQuietHoursEndpoint
{
    /// <summary>Read the caller's own quiet hours and the school's default (staff).</summary>
    /// <remarks>For the settings page: <c>mine</c> is what <c>POST /api/me/quiet-hours</c> set (null after <c>DELETE</c>), <c>school</c> the default that applies then.</remarks>
    [ProducesResponseType<MyQuietHours>(StatusCodes.Status200OK)]
    [ProducesProblems(403)]
    [WolverineGet("/api/me/quiet-hours")]
    public static async Task<IResult> GetMine(Caller caller, IQuerySession session, CancellationToken ct)
    {
        if (!caller.IsStaff) return Problems.Forbidden("Quiet hours are for staff; guardians mute classes instead.");
        var batch = session.CreateBatchQuery();
        var prefs = batch.Load<StaffPreferences>(caller.UserId);
        var school = batch.Load<School>(caller.SchoolId);
        await batch.Execute(ct);
        return Results.Ok(new MyQuietHours((await prefs)?.QuietHours, (await school)?.DefaultQuietHours));
    }
}
