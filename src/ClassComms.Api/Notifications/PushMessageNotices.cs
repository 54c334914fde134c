using ClassComms.Accounts;
using ClassComms.Conversations;
using ClassComms.Platform;
using ClassComms.Schools;
using Marten;
using Microsoft.AspNetCore.SignalR;
using Wolverine;

namespace ClassComms.Notifications;

/// <summary>A push held back by quiet hours, delivered when they end (durably scheduled).</summary>
public sealed record DeliverMessageNotice(Guid SchoolId, Guid MessageId, Guid RecipientId);

/// <summary>
/// Runs after the message committed. Recipients are computed now from current participation, links and
/// restrictions. Staff in quiet hours get the push when their quiet hours end; guardians who muted the class
/// get none (the message is in their inbox either way). Urgent messages (leaders only) ignore both.
/// </summary>
public static class PushMessageNoticesHandler
{
    public static async Task Handle(MessagePostedNotice notice, IDocumentStore store, IHubContext<NotificationHub, INotificationClient> hub,
        IMessageContext bus, TimeProvider clock, CancellationToken ct)
    {
        await using var session = store.QuerySession(Ids.Tenant(notice.SchoolId));
        var (message, conversation) = await LoadAsync(session, notice.MessageId, ct);
        var recipients = await ConversationAccess.RecipientsAsync(session, conversation, ct);
        var push = ToNotice(message, conversation);
        if (message.Withdrawn)
        {
            recipients.Add(message.SenderId);
            await hub.Clients.Groups(recipients.Select(NotificationHub.UserGroup).ToList()).MessageWithdrawn(push);
            return;
        }

        var now = clock.GetUtcNow();
        var school = await session.LoadAsync<School>(notice.SchoolId, ct);
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(school?.TimeZone ?? "UTC", out var z) ? z : TimeZoneInfo.Utc;
        var accounts = (await session.LoadManyAsync<UserAccount>(ct, recipients)).ToDictionary(a => a.Id);
        var staffPrefs = (await session.LoadManyAsync<StaffPreferences>(ct, recipients)).ToDictionary(p => p.Id);
        var guardianPrefs = (await session.LoadManyAsync<GuardianPreferences>(ct, recipients)).ToDictionary(p => p.Id);

        var immediate = new List<Guid> { message.SenderId };
        foreach (var recipient in recipients.Where(r => r != message.SenderId))
        {
            if (message.Urgent || !accounts.TryGetValue(recipient, out var account))
            {
                immediate.Add(recipient);
                continue;
            }

            if (account.Role == Role.Guardian)
            {
                if (guardianPrefs.TryGetValue(recipient, out var g) && g.MutedClassIds.Contains(conversation.ClassId)) continue;
                immediate.Add(recipient);
                continue;
            }

            var quiet = staffPrefs.TryGetValue(recipient, out var p) && p.QuietHours is not null ? p.QuietHours : school?.DefaultQuietHours;
            if (quiet?.EndOfQuietPeriod(now, zone) is { } end)
            {
                await bus.ScheduleAsync(new DeliverMessageNotice(notice.SchoolId, notice.MessageId, recipient), end);
            }
            else
            {
                immediate.Add(recipient);
            }
        }

        await hub.Clients.Groups(immediate.Select(NotificationHub.UserGroup).ToList()).MessageReceived(push);
    }

    public static async Task Handle(DeliverMessageNotice notice, IDocumentStore store, IHubContext<NotificationHub, INotificationClient> hub,
        CancellationToken ct)
    {
        await using var session = store.QuerySession(Ids.Tenant(notice.SchoolId));
        var (message, conversation) = await LoadAsync(session, notice.MessageId, ct);
        if (message.Withdrawn) return;
        if (!(await ConversationAccess.RecipientsAsync(session, conversation, ct)).Contains(notice.RecipientId)) return;
        await hub.Clients.Group(NotificationHub.UserGroup(notice.RecipientId)).MessageReceived(ToNotice(message, conversation));
    }

    public static async Task Handle(MessagesReadNotice notice, IDocumentStore store, IHubContext<NotificationHub, INotificationClient> hub,
        CancellationToken ct)
    {
        await using var session = store.QuerySession(Ids.Tenant(notice.SchoolId));
        var messages = await session.LoadManyAsync<MessageView>(ct, notice.MessageIds);
        foreach (var bySender in messages.GroupBy(m => m.SenderId))
        {
            await hub.Clients.Group(NotificationHub.UserGroup(bySender.Key))
                .MessagesRead(new ReadNotice(notice.ConversationId, notice.ReaderId, bySender.Select(m => m.Id).ToList()));
        }
    }

    /// <summary>A notice for a message that does not exist in its school is a fault: it goes to the dead-letter queue (ids only).</summary>
    private static async Task<(MessageView, Conversation)> LoadAsync(IQuerySession session, Guid messageId, CancellationToken ct)
    {
        var message = await session.LoadAsync<MessageView>(messageId, ct)
                      ?? throw new InvalidOperationException($"Message {messageId} does not exist in this school.");
        var conversation = await session.LoadAsync<Conversation>(message.ConversationId, ct)
                           ?? throw new InvalidOperationException($"Conversation {message.ConversationId} does not exist in this school.");
        return (message, conversation);
    }

    private static MessageNotice ToNotice(MessageView m, Conversation c) =>
        new(m.Id, c.Id, c.Kind, c.ClassId, c.StudentId, m.SenderId, m.Urgent, m.Attachments.Count, m.WithdrawnAt ?? m.PostedAt);
}
