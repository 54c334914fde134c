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
    string? Evidence, IReadOnlyList<string>? Reasked);

public sealed record ConsentHistoryView(Guid StudentId, IReadOnlyList<ConsentHistoryEntry> Entries);

public static class GetConsentHistoryEndpoint
{
    /// <summary>Read the full history of a student's consents: who changed what, how, and when.</summary>
    /// <remarks>
    /// For the student's linked, unrestricted guardians, the class teacher, leaders, the DPO and the student. Every change is there,
    /// oldest first, with its actor's role, its source and its time; the paper form's evidence for staff and the DPO only.
    /// </remarks>
    [ProducesResponseType<ConsentHistoryView>(StatusCodes.Status200OK)]
    [WolverineGet("/api/students/{studentId}/consents/history")]
    public static async Task<IResult> Get(Guid studentId, Caller caller, IQuerySession session, PersonalDataVault vault,
        StaffReads reads, CancellationToken ct)
    {
        var student = await StudentAccess.ReadableAsync(session, caller, studentId, ct);
        if (student is null) return Problems.NotFound("student");

        // The student's stream holds points too; a school year of them is a few hundred events, read once per history request.
        var events = (await session.Events.FetchStreamAsync(studentId, token: ct)).Select(e => e.Data)
            .Where(e => e is ConsentGiven or ConsentWithdrawn or StudentReachedAgeOfConsent).ToList();
        var staffIds = events.Select(e => e switch
        {
            ConsentGiven { Source: ConsentSource.PaperForm } g => g.RecordedBy,
            ConsentWithdrawn { Source: ConsentSource.PaperForm } w => w.RecordedBy,
            _ => Guid.Empty,
        }).Where(id => id != Guid.Empty).Distinct().ToList();
        var roles = (await session.LoadManyAsync<UserAccount>(ct, staffIds)).Where(a => a.SchoolId == caller.SchoolId)
            .ToDictionary(a => a.Id, a => a.Role);

        var entries = new List<ConsentHistoryEntry>();
        foreach (var e in events)
        {
            entries.Add(e switch
            {
                ConsentGiven g => await EntryAsync("given", g.Purpose, g.RecordedBy, g.Source, g.Evidence, g.At),
                ConsentWithdrawn w => await EntryAsync("withdrawn", w.Purpose, w.RecordedBy, w.Source, w.Evidence, w.At),
                StudentReachedAgeOfConsent r => new ConsentHistoryEntry("studentReachedAgeOfConsent", null, null, "system", null, r.At, null, r.Reasked),
                _ => throw new InvalidOperationException("filtered above"),
            });
        }

        await reads.RecordAsync(caller, studentId, AccessKinds.Consents, null, ct);
        return Results.Ok(new ConsentHistoryView(studentId, entries));

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
