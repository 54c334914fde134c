using ClassComms.Audience;
using ClassComms.Notifications;
using ClassComms.Platform;
using ClassComms.Schools;
using ClassComms.Students;
using JasperFx;
using Marten;
using Microsoft.AspNetCore.SignalR;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Runtime.Handlers;

namespace ClassComms.Consents;

/// <summary>
/// Check whether a student has reached the age of consent, and record it if so. Sent at once (never scheduled at a time: a run
/// time at the birthday would store a date derived from the date of birth in Wolverine's tables) when a birth date already past
/// the age is set or the jurisdiction changes, and run by the daily <see cref="AgeOfConsentSweep"/> for every student whose
/// birthday has passed. The school is the envelope's tenant. Ids only.
/// </summary>
public sealed record ReachAgeOfConsent(Guid SchoolId, Guid StudentId);

/// <summary>Tells the student's guardians, after the commit, that the student now decides their consents (ids only).</summary>
public sealed record AgeOfConsentReachedNotice(Guid SchoolId, Guid StudentId);

/// <summary>
/// The student's own consent counts from now on; the consents given before (<c>reasked</c>) stay in force until the student confirms
/// or withdraws them. Read <c>GET /api/students/{studentId}/consents</c>.
/// </summary>
public sealed record AgeOfConsentNotice(Guid StudentId, IReadOnlyList<string> Reasked, DateTimeOffset At);

/// <summary>
/// The age-of-consent step. Idempotent: a student who already reached the age, is erased, has no birth date or whose school has
/// no jurisdiction is left alone, and so is one whose birthday (as the sealed birth date and the jurisdiction now stand) has not
/// come: nothing is scheduled, the daily sweep checks again. At or after the birthday it appends
/// <see cref="StudentReachedAgeOfConsent"/> once, re-asking the consents that are not the student's own answer (<see cref="Reasked"/>), and queues the guardians' push.
/// Consent changes racing it on the student's stream make it retry.
/// </summary>
public static class ReachAgeOfConsentHandler
{
    public static void Configure(HandlerChain chain)
    {
        chain.OnException<ConcurrencyException>().RetryWithCooldown(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500))
            .Then.ScheduleRetry(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30)).Then.MoveToErrorQueue();
    }

    public static async Task Handle(ReachAgeOfConsent command, IDocumentSession session, AgeOfConsent ages, IMessageBus bus,
        TimeProvider clock, CancellationToken ct)
    {
        if (session.TenantId != Ids.Tenant(command.SchoolId))
        {
            throw new InvalidOperationException($"{nameof(ReachAgeOfConsent)} for school {command.SchoolId} arrived without that tenant.");
        }

        var stream = await session.Events.FetchForWriting<Student>(command.StudentId, ct);
        var student = stream.Aggregate;
        if (student is null || student.Erased || student.AgeOfConsentReachedAt is not null) return;
        var school = await session.LoadAsync<School>(command.SchoolId, ct);
        if (ages.Of(school?.ConsentJurisdiction) is not { } rule || await ages.DueAsync(student, school, ct) is not { } due) return;
        var now = clock.GetUtcNow();
        if (now < due) return;

        var history = await session.Events.FetchStreamAsync(command.StudentId, token: ct);
        stream.AppendOne(new StudentReachedAgeOfConsent(command.StudentId, rule.Code, rule.Age, Reasked(student, history.Select(e => e.Data), due), now));
        await bus.PublishAsync(new AgeOfConsentReachedNotice(command.SchoolId, command.StudentId));
    }

    /// <summary>
    /// The consents standing now that are not the student's own answer: last given by a guardian (even after the birthday, when the
    /// birth date was recorded late), or by a paper form recorded before the birthday.
    /// </summary>
    public static IReadOnlyList<string> Reasked(Student student, IEnumerable<object> history, DateTimeOffset birthday)
    {
        var lastGiven = new Dictionary<string, ConsentGiven>();
        foreach (var e in history)
        {
            if (e is ConsentGiven g) lastGiven[g.Purpose] = g;
        }

        return ConsentPurposes.All.Where(p => student.HasConsent(p) && lastGiven.TryGetValue(p, out var given)
                                              && (given.Source == ConsentSource.Guardian || (given.Source == ConsentSource.PaperForm && given.At < birthday)))
            .ToList();
    }
}

/// <summary>
/// After the commit: everyone in the family who may see the student's record (<see cref="Visibility"/>: linked, unrestricted guardians,
/// and the student's own account) is told that the student now decides.
/// </summary>
public static class PushAgeOfConsentNoticeHandler
{
    public static void Configure(HandlerChain chain) => PushRetries.Apply(chain);

    public static async Task Handle(AgeOfConsentReachedNotice message, IDocumentStore store,
        IHubContext<NotificationHub, INotificationClient> hub, BusinessMetrics metrics, CancellationToken ct)
    {
        await using var session = store.QuerySession(Ids.Tenant(message.SchoolId));
        var student = await session.LoadAsync<Student>(message.StudentId, ct);
        if (student is not { Erased: false, AgeOfConsentReachedAt: { } at }) return;
        var notice = new AgeOfConsentNotice(student.Id, student.ConsentsAwaitingStudent, at);
        var record = AudienceItem.Record(student.Id, student.ClassId);
        var groups = (await AudienceAccess.HoldingAnyAsync(session, [student.Id], ct)).Where(a => Visibility.CanSee(a, record))
            .Select(a => NotificationHub.UserGroup(a.Id)).ToList();
        if (groups.Count == 0) return;
        await metrics.PushAsync("consent.age_reached", groups.Count, () => hub.Clients.Groups(groups).AgeOfConsentReached(notice));
    }
}
