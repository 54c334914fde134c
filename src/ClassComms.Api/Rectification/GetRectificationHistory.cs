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
    /// Field <c>name</c> or <c>email</c> (a member's login e-mail, shared by the login's schools). The DPO reads any subject of the school. A member reads their own; a student account its student's; a linked, unrestricted
    /// guardian their child's. Anyone else: 404.
    /// </remarks>
    [ProducesResponseType<RectificationHistoryView>(StatusCodes.Status200OK)]
    [ProducesProblems(404)]
    [WolverineGet("/api/rectifications/{subjectId}/history")]
    public static async Task<IResult> Get(Guid subjectId, Caller caller, IQuerySession session, IDocumentStore store, PersonalDataVault vault,
        CancellationToken ct)
    {
        var member = await session.LoadAsync<UserAccount>(subjectId, ct);
        if (member is not null && member.SchoolId != caller.SchoolId) member = null;
        var allowed = caller.Role == Role.Dpo
            ? await session.LoadAsync<Student>(subjectId, ct) is not null || member is not null
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

        // A member's e-mail is their login's (one across schools): its corrections are on the login's stream (tenant "platform").
        if (member is { Role: not Role.Student })
        {
            await using var logins = store.QuerySession(LoginAccount.Tenant);
            foreach (var e in (await logins.Events.FetchStreamAsync(member.LoginId, token: ct)).Select(e => e.Data).OfType<LoginEmailRectified>())
            {
                // Who asked, as this school may know them: its own member; the person themselves if they asked from another school
                // of theirs; otherwise (a DPO of another school) no id.
                var by = e.SchoolId == member.SchoolId ? e.RectifiedBy : e.BySelf ? member.Id : Guid.Empty;
                entries.Add(new RectificationEntry("email", await vault.UnsealAsync(e.Previous, ct), await vault.UnsealAsync(e.Email, ct), by, e.At));
            }

            entries.Sort((a, b) => a.At.CompareTo(b.At));
        }

        return Results.Ok(new RectificationHistoryView(subjectId, entries));
    }
}
