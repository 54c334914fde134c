using ClassComms.AccessLog;
using ClassComms.Accounts;
using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Students;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Consents;

/// <summary>
/// One change, oldest first. <c>kind</c>: <c>given</c>, <c>withdrawn</c>, or <c>studentReachedAgeOfConsent</c> (then <c>reasked</c>
/// lists the consents left for the student to confirm). <c>actorRole</c>: <c>guardian</c>, <c>teacher</c>, <c>leader</c>,
/// <c>student</c> or <c>system</c> (the scheduled step); <c>source</c>: <c>guardian</c>, <c>paperForm</c> or <c>student</c>.
/// <c>evidence</c> (which paper form) is shown to staff and the DPO only.
/// </summary>
public sealed record ConsentHistoryEntry(string Kind, string? Purpose, Guid? RecordedBy, string ActorRole, string? Source, DateTimeOffset At,
    string? Evidence, IReadOnlyList<string>? Reasked, long Cursor = 0);

/// <summary><c>Cursor</c>: the last entry's (pass it as <c>after</c> for the next page); <c>More</c>: whether entries follow it.</summary>
public sealed record ConsentHistoryView(Guid StudentId, IReadOnlyList<ConsentHistoryEntry> Entries, long Cursor = 0, bool More = false);

public static class GetConsentHistoryEndpoint
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 200;

    /// <summary>Read the full history of a student's consents: who changed what, how, and when.</summary>
    /// <remarks>
    /// For the student's linked, unrestricted guardians, the class teacher, leaders, the DPO and the student. Every change is there,
    /// oldest first, with its actor's role, its source and its time; the paper form's evidence for staff and the DPO only. Paged by
    /// cursor: <c>after</c> (0: from the start) and <c>limit</c> (1–200, default 100); each entry's <c>cursor</c> is its position
    /// in the student's stream, and <c>more</c> says whether another page follows the returned <c>cursor</c>.
    /// </remarks>
    [ProducesResponseType<ConsentHistoryView>(StatusCodes.Status200OK)]
    [WolverineGet("/api/students/{studentId}/consents/history")]
    public static async Task<IResult> Get(Guid studentId, long? after, int? limit, Caller caller, IQuerySession session, PersonalDataVault vault,
        StaffReads reads, CancellationToken ct)
    {
        var from = after ?? 0;
        if (from < 0) return Problems.Invalid("after", "must be zero or a cursor from a previous page.");
        var take = limit ?? DefaultPageSize;
        if (take is < 1 or > MaxPageSize) return Problems.Invalid("limit", $"must be between 1 and {MaxPageSize}.");
        var student = await StudentAccess.ReadableAsync(session, caller, studentId, ct);
        if (student is null) return Problems.NotFound("student");

        // The student's stream holds points too; a school year of them is a few hundred events, read once per history request.
        var all = (await session.Events.FetchStreamAsync(studentId, token: ct))
            .Where(e => e.Version > from && e.Data is ConsentGiven or ConsentWithdrawn or StudentReachedAgeOfConsent).ToList();
        var page = all.Take(take).ToList();
        var events = page.Select(e => e.Data).ToList();
        var staffIds = events.Select(e => e switch
        {
            ConsentGiven { Source: ConsentSource.PaperForm } g => g.RecordedBy,
            ConsentWithdrawn { Source: ConsentSource.PaperForm } w => w.RecordedBy,
            _ => Guid.Empty,
        }).Where(id => id != Guid.Empty).Distinct().ToList();
        var roles = (await session.LoadManyAsync<UserAccount>(ct, staffIds)).Where(a => a.SchoolId == caller.SchoolId)
            .ToDictionary(a => a.Id, a => a.Role);

        var entries = new List<ConsentHistoryEntry>();
        foreach (var (e, position) in events.Zip(page.Select(p => p.Version)))
        {
            entries.Add((e switch
            {
                ConsentGiven g => await EntryAsync("given", g.Purpose, g.RecordedBy, g.Source, g.Evidence, g.At),
                ConsentWithdrawn w => await EntryAsync("withdrawn", w.Purpose, w.RecordedBy, w.Source, w.Evidence, w.At),
                StudentReachedAgeOfConsent r => new ConsentHistoryEntry("studentReachedAgeOfConsent", null, null, "system", null, r.At, null, r.Reasked),
                _ => throw new InvalidOperationException("filtered above"),
            }) with { Cursor = position });
        }

        await reads.RecordAsync(caller, studentId, AccessKinds.Consents, null, ct);
        return Results.Ok(new ConsentHistoryView(studentId, entries, page.Count > 0 ? page[^1].Version : from, all.Count > page.Count));

        async Task<ConsentHistoryEntry> EntryAsync(string kind, string purpose, Guid by, ConsentSource source, Sealed? evidence, DateTimeOffset at)
        {
            var role = source switch
            {
                ConsentSource.Guardian => "guardian",
                ConsentSource.Student => "student",
                _ => roles.TryGetValue(by, out var r) ? r.ToString().ToLowerInvariant() : "staff",
            };
            var shown = caller.IsStaff && evidence is not null ? await vault.UnsealAsync(evidence, ct) : null;
            return new ConsentHistoryEntry(kind, purpose, by, role, SourceName(source), at, shown, null);
        }
    }

    public static string SourceName(ConsentSource source) => source switch
    {
        ConsentSource.Guardian => "guardian",
        ConsentSource.PaperForm => "paperForm",
        _ => "student",
    };
}
