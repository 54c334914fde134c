using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Notifications;

/// <summary><c>start</c>/<c>end</c> as HH:mm or HH:mm:ss local school time; <c>timeZone</c> (IANA) only for school defaults.</summary>
public sealed record SetQuietHours(string? Start, string? End, string? TimeZone);

/// <summary>A member of staff sets their own quiet hours (pushes wait until they end).</summary>
public static class SetQuietHoursEndpoint
{
    /// <summary>Set the caller's own quiet hours (staff), in school time.</summary>
    [ProducesResponseType<QuietHours>(StatusCodes.Status200OK)]
    [ProducesProblems(403)]
    [WolverinePost("/api/me/quiet-hours")]
    public static async Task<IResult> SetMine(SetQuietHours request, Caller caller, IDocumentSession session, CancellationToken ct)
    {
        if (!caller.IsStaff) return Problems.Forbidden("Quiet hours are for staff; guardians mute classes instead.");
        if (Parse(request, out var hours) is { } problem) return problem;
        var prefs = await session.LoadAsync<StaffPreferences>(caller.UserId, ct) ?? new StaffPreferences { Id = caller.UserId };
        prefs.QuietHours = hours;
        session.Store(prefs);
        return Results.Ok(hours);
    }

    internal static IResult? Parse(SetQuietHours request, out QuietHours hours)
    {
        hours = null!;
        var validation = new Validation();
        if (!TimeOnly.TryParse(request.Start ?? "", System.Globalization.CultureInfo.InvariantCulture, out var start)) validation.Add("start", "must be a time such as 19:00.");
        if (!TimeOnly.TryParse(request.End ?? "", System.Globalization.CultureInfo.InvariantCulture, out var end)) validation.Add("end", "must be a time such as 07:00.");
        if (!validation.IsValid) return validation.ToResult();
        if (start == end) return Problems.Invalid("end", "must differ from start.");
        hours = new QuietHours(start, end);
        return null;
    }
}
