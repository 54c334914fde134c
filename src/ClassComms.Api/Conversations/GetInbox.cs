using ClassComms.Audience;
using ClassComms.Platform;
using JasperFx.Events;
using Marten;
using ClassComms.Notifications;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Conversations;

/// <summary>
/// One inbox entry per recipient of a message, written inline in the transaction of the message, its cursor
/// (<see cref="Sequence"/>) the recipient's next position, taken at commit (<see cref="ReadPositions"/>):
/// a cursor never skips. Idempotent id, so each recipient has a message in their inbox exactly once.
/// </summary>
public sealed record InboxEntry(string Id, Guid UserId, Guid ConversationId, Guid MessageId, long Sequence, DateTimeOffset At)
{
    public static string IdFor(Guid userId, Guid messageId) => $"{userId:N}:{messageId:N}";
}

/// <summary>
/// The inbox entries of a transaction's messages, written inline with them by <see cref="MessageProjection"/> in the statement
/// that writes the messages' views, each numbered on its recipient's head (<see cref="ReadPositions"/>).
/// </summary>
public static class InboxEntries
{
    /// <summary>One entry per recipient of each message posted, the sender excluded.</summary>
    public static List<(Guid Reader, string Id, InboxEntry Entry)> For(IEnumerable<IEvent> events)
    {
        var entries = new List<(Guid Reader, string Id, InboxEntry Entry)>();
        foreach (var e in events)
        {
            if (e.Data is not MessagePosted m) continue;
            foreach (var recipient in m.Recipients.Where(r => r != m.SenderId).Distinct())
            {
                var id = InboxEntry.IdFor(recipient, m.MessageId);
                entries.Add((recipient, id, new InboxEntry(id, recipient, m.ConversationId, m.MessageId, 0, m.At)));
            }
        }

        return entries;
    }
}

public sealed record InboxPage(IReadOnlyList<InboxItem> Items, long Cursor);

public sealed record InboxItem(long Cursor, MessageItem Message);

public static class GetInboxEndpoint
{
    public const int MaxPageSize = 100;

    /// <summary>Read the messages to the caller after a cursor, oldest first, each exactly once.</summary>
    /// <remarks>Messages to the caller after <c>after</c> (0 = start), oldest first, filtered by what they may see now.</remarks>
    [ProducesResponseType<InboxPage>(StatusCodes.Status200OK)]
    [WolverineGet("/api/inbox")]
    public static async Task<IResult> Get(long? after, int? limit, Caller caller, IQuerySession session, MessageReader reader,
        CancellationToken ct)
    {
        var from = after ?? 0;
        if (from < 0) return Problems.Invalid("after", "must be zero or a cursor from a previous page.");
        var take = limit ?? 50;
        if (take is < 1 or > MaxPageSize) return Problems.Invalid("limit", $"must be between 1 and {MaxPageSize}.");

        var entries = await session.Query<InboxEntry>().Where(x => x.UserId == caller.UserId && x.Sequence > from)
            .OrderBy(x => x.Sequence).Take(take).ToListAsync(ct);
        // One round trip for the conversations and the caller's access document, then the decision per entry (no query per conversation).
        var batch = session.CreateBatchQuery();
        var conversationsLoad = batch.LoadMany<Conversation>().ById(entries.Select(e => e.ConversationId).Distinct().ToArray());
        var accessLoad = AudienceAccess.InBatch(batch, caller.UserId);
        await batch.Execute(ct);
        var conversations = (await conversationsLoad).ToDictionary(c => c.Id);
        var access = await accessLoad();
        bool Visible(InboxEntry e) => conversations.TryGetValue(e.ConversationId, out var c) && (caller.IsTeacherOrLeader
            ? c.StaffIds.Contains(caller.UserId)
            : caller.Role is Role.Guardian or Role.Student && Visibility.CanSee(access, AudienceItem.Message(c, e.At)));

        var shown = entries.Where(Visible).ToList();
        var messages = (await session.LoadManyAsync<MessageView>(ct, shown.Select(e => e.MessageId))).ToDictionary(m => m.Id);
        var items = await reader.ReadAsync(session, caller.UserId, shown.Where(e => messages.ContainsKey(e.MessageId)).Select(e => messages[e.MessageId]).ToList(), ct);
        var byId = items.ToDictionary(i => i.MessageId);
        var page = shown.Where(e => byId.ContainsKey(e.MessageId)).Select(e => new InboxItem(e.Sequence, byId[e.MessageId])).ToList();
        return Results.Ok(new InboxPage(page, entries.Count > 0 ? entries[^1].Sequence : from));
    }
}
