using ClassComms.Accounts;
using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Students;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Rectification;

/// <summary>One correction: the field, the value before and after (null once the subject's key is destroyed), who corrected it, when.</summary>
public sealed record RectificationEntry(string Field, string? Previous, string? Value, Guid RectifiedBy, DateTimeOffset At);

public sealed record RectificationHistoryView(Guid SubjectId, IReadOnlyList<RectificationEntry> Entries);

public static class GetRectificationHistoryEndpoint
{
    /// <summary>The corrections made to a subject's data, oldest first (the DPO, and the subject).</summary>
    /// <remarks>
    /// The DPO reads any subject of the school. A member reads their own; a student account its student's; a linked, unrestricted
    /// guardian their child's. Anyone else: 404.
    /// </remarks>
    [ProducesResponseType<RectificationHistoryView>(StatusCodes.Status200OK)]
    [ProducesProblems(404)]
    [WolverineGet("/api/rectifications/{subjectId}/history")]
    public static async Task<IResult> Get(Guid subjectId, Caller caller, IQuerySession session, PersonalDataVault vault, CancellationToken ct)
    {
        var allowed = caller.Role == Role.Dpo
            ? await session.LoadAsync<Student>(subjectId, ct) is not null
              || await session.LoadAsync<UserAccount>(subjectId, ct) is { } member && member.SchoolId == caller.SchoolId
            : subjectId == caller.UserId
              || (caller.Role is Role.Guardian or Role.Student && await StudentAccess.ReadableAsync(session, caller, subjectId, ct) is not null);
        if (!allowed) return Problems.NotFound("subject");

        var entries = new List<RectificationEntry>();
        foreach (var e in (await session.Events.FetchStreamAsync(subjectId, token: ct)).Select(e => e.Data))
        {
            if (e is StudentNameRectified s)
                entries.Add(new RectificationEntry("name", await vault.UnsealAsync(s.Previous, ct), await vault.UnsealAsync(s.Name, ct), s.RectifiedBy, s.At));
            else if (e is MemberNameRectified m)
                entries.Add(new RectificationEntry("name", await vault.UnsealAsync(m.Previous, ct), await vault.UnsealAsync(m.Name, ct), m.RectifiedBy, m.At));
        }

        return Results.Ok(new RectificationHistoryView(subjectId, entries));
    }
}
