using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Notifications;

public static class ClearQuietHoursEndpoint
{
    /// <summary>Go back to the school's default quiet hours (staff).</summary>
    /// <remarks>Back to the school's default quiet hours.</remarks>
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesProblems(403)]
    [WolverineDelete("/api/me/quiet-hours")]
    public static IResult ClearMine(Caller caller, IDocumentSession session)
    {
        if (!caller.IsStaff) return Problems.Forbidden("Quiet hours are for staff.");
        session.Delete<StaffPreferences>(caller.UserId);
        return Results.NoContent();
    }
}
