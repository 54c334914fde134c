using ClassComms.Media;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Retention;

/// <summary>A change to the school's retention policy; a field left out (null) keeps its current value.</summary>
public sealed record ChangeRetentionPolicy(int? PointsMonths, int? InactiveStudentMonths, int? ExportDays, int? AccessLogMonths = null);

/// <summary>One change of the policy: the policy after it, who made it and when.</summary>
public sealed record RetentionPolicyChange(RetentionPolicy Policy, Guid ChangedBy, DateTimeOffset At);

/// <summary>
/// The school's policy in force (<c>chosen</c>: false while it is the defaults), the defaults, every change, and the
/// platform's own periods that are not per school: dead letters (Wolverine deletes them after <c>deadLetterDays</c>) and
/// abandoned upload sessions (swept with their blob once <c>uploadSessionMinutes</c> have passed).
/// </summary>
public sealed record RetentionPolicyView(RetentionPolicy Policy, bool Chosen, RetentionPolicy Defaults, IReadOnlyList<RetentionPolicyChange> Changes,
    int DeadLetterDays, int UploadSessionMinutes);

public static class RetentionPolicyEndpoints
{
    public const int MaxMonths = 120;
    public const int MaxExportDays = 365;

    /// <summary>The dead-letter expiry configured in <see cref="StorageConfiguration.UseClassCommsMessaging"/>.</summary>
    public const int DeadLetterDays = 7;

    /// <summary>The school's retention policy (the DPO or a leader).</summary>
    [ProducesResponseType<RetentionPolicyView>(StatusCodes.Status200OK)]
    [ProducesProblems(403)]
    [WolverineGet("/api/retention/policies")]
    public static async Task<IResult> GetRetentionPolicy(Caller caller, IQuerySession session, MediaStore media, CancellationToken ct)
    {
        if (caller.Role is not (Role.Dpo or Role.Leader)) return Problems.Forbidden("The DPO or a school leader reads the retention policy.");
        return Results.Ok(await ViewAsync(session, caller.SchoolId, media, ct));
    }

    /// <summary>Change the school's retention policy (the DPO): each change is an event with who and when.</summary>
    [ProducesResponseType<RetentionPolicyView>(StatusCodes.Status200OK)]
    [ProducesProblems(400, 403)]
    [WolverinePut("/api/retention/policies")]
    public static async Task<IResult> ChangeRetentionPolicy(ChangeRetentionPolicy request, Caller caller, IDocumentSession session, MediaStore media,
        TimeProvider clock, CancellationToken ct)
    {
        if (caller.Role != Role.Dpo) return Problems.Forbidden("Only the school's data protection officer changes the retention policy.");
        var validation = new Validation();
        if (request.PointsMonths is < 1 or > MaxMonths) validation.Add("pointsMonths", $"must be between 1 and {MaxMonths}.");
        if (request.InactiveStudentMonths is < 1 or > MaxMonths) validation.Add("inactiveStudentMonths", $"must be between 1 and {MaxMonths}.");
        if (request.ExportDays is < 1 or > MaxExportDays) validation.Add("exportDays", $"must be between 1 and {MaxExportDays}.");
        if (request.AccessLogMonths is < 1 or > MaxMonths) validation.Add("accessLogMonths", $"must be between 1 and {MaxMonths}.");
        if (!validation.IsValid) return validation.ToResult();

        var log = await session.LoadAsync<RetentionLog>(RetentionKeys.LogId(caller.SchoolId), ct);
        var current = log?.PolicyInForce ?? RetentionPolicy.Default;
        var changed = new RetentionPolicy(request.PointsMonths ?? current.PointsMonths,
            request.InactiveStudentMonths ?? current.InactiveStudentMonths, request.ExportDays ?? current.ExportDays,
            request.AccessLogMonths ?? current.AccessLogMonths);
        if (changed != current || log?.Policy is null)
        {
            session.Events.Append(RetentionKeys.LogId(caller.SchoolId),
                new RetentionPolicyChanged(caller.SchoolId, caller.UserId, changed, clock.GetUtcNow()));
            await session.SaveChangesAsync(ct);
        }

        return Results.Ok(await ViewAsync(session, caller.SchoolId, media, ct));
    }

    private static async Task<RetentionPolicyView> ViewAsync(IQuerySession session, Guid schoolId, MediaStore media, CancellationToken ct)
    {
        var events = await session.Events.FetchStreamAsync(RetentionKeys.LogId(schoolId), token: ct);
        var changes = events.Select(e => e.Data).OfType<RetentionPolicyChanged>()
            .Select(c => new RetentionPolicyChange(c.Policy, c.ChangedBy, c.At)).Reverse().ToList();
        return new RetentionPolicyView(changes.FirstOrDefault()?.Policy ?? RetentionPolicy.Default, changes.Count > 0, RetentionPolicy.Default,
            changes, DeadLetterDays, (int)media.Options.UploadReservationLifetime.TotalMinutes);
    }
}
