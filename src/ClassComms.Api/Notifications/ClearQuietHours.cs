using ClassComms.Platform;
using Marten;
using Wolverine.Http;

namespace ClassComms.Notifications;

public static class ClearQuietHoursEndpoint
{
    /// <summary>Back to the school's default quiet hours.</summary>
    [WolverineDelete("/api/me/quiet-hours")]
    public static IResult ClearMine(Caller caller, IDocumentSession session)
    {
        if (!caller.IsStaff) return Problems.Forbidden("Quiet hours are for staff.");
        session.Delete<StaffPreferences>(caller.UserId);
        return Results.NoContent();
    }
}
