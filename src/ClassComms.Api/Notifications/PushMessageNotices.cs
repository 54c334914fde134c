using ClassComms.Audience;
using ClassComms.Conversations;
using ClassComms.Platform;
using ClassComms.Schools;
using Marten;
using Microsoft.AspNetCore.SignalR;
using Wolverine;
using Wolverine.Runtime.Handlers;

namespace ClassComms.Notifications;

/// <summary>A push held back by quiet hours, delivered when they end (durably scheduled).</summary>
public sealed record DeliverMessageNotice(Guid SchoolId, Guid MessageId, Guid RecipientId);

/// <summary>
/// Runs after the message committed; the recipients' inbox holds it from that commit on (written in its transaction,
/// <see cref="ReadPositions"/>), and each notice carries the inbox cursor. Recipients are computed from current participation, links and restrictions. Staff in
/// quiet hours get the push when their quiet hours end; guardians who muted the class get none (the message is in their
/// inbox either way). Urgent messages (leaders only) ignore both.
/// </summary>
public static class PushMessageNoticesHandler
{
    public static void Configure(HandlerChain chain) => PushRetries.Apply(chain);

    public static async Task Handle(MessageChanged notice, IDocumentStore store,
        IHubContext<NotificationHub, INotificationClient> hub, IMessageContext bus, TimeProvider clock, BusinessMetrics metrics, CancellationToken ct)
    {
        await using var session = store.QuerySession(Ids.Tenant(notice.SchoolId));
        // Round trip 1: the message, its conversation, the school and the candidate guardians (the class's families for an
        // announcement, the thread student's for a thread; the notice names the conversation, class and student; an older notice
        // does not, and the conversation is read first). Then the guardians who may see the message as of its posting time.
        var hint = notice is { ConversationId: { } c, ClassId: { } k } ? new AudienceHint(c, k, notice.StudentId) : await AudienceOfAsync(session, notice.MessageId, ct);
        var read = session.CreateBatchQuery();
        var messageLoad = read.Load<MessageView>(notice.MessageId);
        var conversationLoad = read.Load<Conversation>(hint.ConversationId);
        var schoolLoad = read.Load<School>(notice.SchoolId);
        var candidatesLoad = hint.StudentId is { } student
            ? AudienceAccess.HoldingInBatch(read, session.TenantId, student)
            : AudienceAccess.OfClassInBatch(read, session.TenantId, hint.ClassId);
        await read.Execute(ct);
        var message = await messageLoad ?? throw new InvalidOperationException($"Message {notice.MessageId} does not exist in this school.");
        var named = await conversationLoad;
        var conversation = named is not null && named.Id == message.ConversationId
            ? named
            : (await LoadAsync(session, notice.MessageId, ct)).Conversation;
        var school = await schoolLoad;
        // The candidates read in the batch are those GuardianAudienceAsync would read when the hint matches the conversation
        // (an announcement's class, a thread's student); otherwise they are read again from the conversation.
        var hinted = ReferenceEquals(conversation, named) && conversation.ClassId == hint.ClassId && (conversation.Kind == ConversationKinds.Announcement
            ? hint.StudentId is null
            : hint.StudentId is { } s && conversation.StudentId == s);
        // A guardian linked after a shared message was posted hears neither of it nor of its withdrawal (Audience/Visibility.cs).
        var guardians = (hinted
            ? ConversationAccess.GuardianAudience(conversation, await candidatesLoad(), message.PostedAt)
            : await ConversationAccess.GuardianAudienceAsync(session, conversation, message.PostedAt, ct)).ToDictionary(a => a.Id);
        var recipients = guardians.Keys.Concat(conversation.StaffIds).Where(r => r != message.SenderId).ToHashSet();
        if (message.Withdrawn)
        {
            var withdrawn = await InboxCursorsAsync(session, message.Id, recipients, ct);
            await SendAsync(recipients.Append(message.SenderId), message, conversation, withdrawn,
                "message.withdrawn", (clients, push) => clients.MessageWithdrawn(push), hub, metrics);
            return;
        }

        // Decide who hears of it now and who later, and read the inbox cursors (one round trip), then act.
        var batch = session.CreateBatchQuery();
        var inboxLoad = batch.LoadMany<InboxEntry>().ById(recipients.Select(r => InboxEntry.IdFor(r, message.Id)).ToArray());
        var staffLoad = batch.LoadMany<StaffPreferences>().ByIdList(recipients.Where(r => !guardians.ContainsKey(r)).ToList());
        await batch.Execute(ct);
        var staffPrefs = (await staffLoad).ToDictionary(p => p.Id);
        var cursors = (await inboxLoad).ToDictionary(e => e.UserId, e => e.Sequence);
        var now = clock.GetUtcNow();
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(school?.TimeZone ?? "UTC", out var z) ? z : TimeZoneInfo.Utc;

        var immediate = new List<Guid> { message.SenderId };
        var later = new List<(Guid Recipient, DateTimeOffset At)>();
        foreach (var recipient in recipients)
        {
            if (message.Urgent)
            {
                immediate.Add(recipient);
                continue;
            }

            // Guardians: their mutes are in their access document (read above); staff: quiet hours.
            if (guardians.TryGetValue(recipient, out var guardian))
            {
                if (!MutedFor(guardian, conversation)) immediate.Add(recipient);
                continue;
            }

            var quiet = staffPrefs.TryGetValue(recipient, out var p) && p.QuietHours is not null ? p.QuietHours : school?.DefaultQuietHours;
            if (quiet?.EndOfQuietPeriod(now, zone) is { } end) later.Add((recipient, end));
            else immediate.Add(recipient);
        }

        foreach (var (recipient, at) in later)
        {
            await bus.ScheduleAsync(new DeliverMessageNotice(notice.SchoolId, notice.MessageId, recipient), at);
            metrics.PushHeld();
        }

        await SendAsync(immediate, message, conversation, cursors, "message.received", (clients, push) => clients.MessageReceived(push), hub, metrics);
    }

    public static async Task Handle(DeliverMessageNotice notice, IDocumentStore store,
        IHubContext<NotificationHub, INotificationClient> hub, BusinessMetrics metrics, CancellationToken ct)
    {
        await using var session = store.QuerySession(Ids.Tenant(notice.SchoolId));
        var (message, conversation) = await LoadAsync(session, notice.MessageId, ct);
        if (message.Withdrawn) return;
        var entitled = conversation.StaffIds.Contains(notice.RecipientId)
                       || (await ConversationAccess.GuardianAudienceAsync(session, conversation, message.PostedAt, ct)).Any(a => a.Id == notice.RecipientId);
        if (!entitled) return;
        var cursors = await InboxCursorsAsync(session, message.Id, [notice.RecipientId], ct);
        await SendAsync([notice.RecipientId], message, conversation, cursors, "message.received", (clients, push) => clients.MessageReceived(push), hub,
            metrics);
    }

    public static async Task Handle(MessagesReadNotice notice, IDocumentStore store, IHubContext<NotificationHub, INotificationClient> hub,
        BusinessMetrics metrics, CancellationToken ct)
    {
        await using var session = store.QuerySession(Ids.Tenant(notice.SchoolId));
        var messages = await session.LoadManyAsync<MessageView>(ct, notice.MessageIds);
        foreach (var bySender in messages.GroupBy(m => m.SenderId))
        {
            await metrics.PushAsync("messages.read", 1, () => hub.Clients.Group(NotificationHub.UserGroup(bySender.Key))
                .MessagesRead(new ReadNotice(notice.ConversationId, notice.ReaderId, bySender.Select(m => m.Id).ToList())));
        }
    }

    /// <summary>
    /// A guardian who muted the class gets no push of its messages; a school-wide announcement belongs to no class, so only a
    /// guardian who muted every class of their children gets no push of it.
    /// </summary>
    public static bool MutedFor(AudienceAccess guardian, Conversation conversation) =>
        conversation.Kind == ConversationKinds.SchoolAnnouncement
            ? guardian.ClassIds.Count > 0 && guardian.ClassIds.All(guardian.Muted)
            : guardian.Muted(conversation.ClassId);

    /// <summary>Where the audience of a message is found (conversation, class, thread student), for a notice that does not say.</summary>
    private static async Task<AudienceHint> AudienceOfAsync(IQuerySession session, Guid messageId, CancellationToken ct)
    {
        var (_, conversation) = await LoadAsync(session, messageId, ct);
        return new AudienceHint(conversation.Id, conversation.ClassId, conversation.StudentId);
    }

    private sealed record AudienceHint(Guid ConversationId, Guid ClassId, Guid? StudentId);

    /// <summary>A notice for a message that does not exist in its school is a fault: it goes to the dead-letter queue (ids only).</summary>
    private static async Task<(MessageView Message, Conversation Conversation)> LoadAsync(IQuerySession session, Guid messageId, CancellationToken ct)
    {
        var message = await session.LoadAsync<MessageView>(messageId, ct)
                      ?? throw new InvalidOperationException($"Message {messageId} does not exist in this school.");
        var conversation = await session.LoadAsync<Conversation>(message.ConversationId, ct)
                           ?? throw new InvalidOperationException($"Conversation {message.ConversationId} does not exist in this school.");
        return (message, conversation);
    }

    /// <summary>
    /// Each recipient's inbox cursor for the message; none for a recipient whose inbox does not hold it (not a recipient when
    /// it was sent). The entries were written in the message's transaction, so there is nothing to wait for.
    /// </summary>
    private static async Task<IReadOnlyDictionary<Guid, long>> InboxCursorsAsync(IQuerySession session, Guid messageId,
        IReadOnlyCollection<Guid> recipients, CancellationToken ct)
    {
        if (recipients.Count == 0) return new Dictionary<Guid, long>();
        var entries = await session.LoadManyAsync<InboxEntry>(ct, recipients.Select(r => InboxEntry.IdFor(r, messageId)));
        return entries.ToDictionary(e => e.UserId, e => e.Sequence);
    }

    /// <summary>One send per cursor: every entry of a message has the same one; people whose inbox lacks it get none.</summary>
    private static async Task SendAsync(IEnumerable<Guid> people, MessageView message, Conversation conversation,
        IReadOnlyDictionary<Guid, long> cursors, string kind, Func<INotificationClient, MessageNotice, Task> send,
        IHubContext<NotificationHub, INotificationClient> hub, BusinessMetrics metrics)
    {
        foreach (var byCursor in people.Distinct().GroupBy(p => cursors.TryGetValue(p, out var c) ? c : (long?)null))
        {
            var push = new MessageNotice(message.Id, conversation.Id, conversation.Kind, conversation.ClassId, conversation.StudentId,
                message.SenderId, message.Urgent, message.Attachments.Count, message.WithdrawnAt ?? message.PostedAt, byCursor.Key);
            var groups = byCursor.Select(NotificationHub.UserGroup).ToList();
            await metrics.PushAsync(kind, groups.Count, () => send(hub.Clients.Groups(groups), push));
        }
    }
}
