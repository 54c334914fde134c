using ClassComms.Platform;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Conversations;

/// <summary>
/// One inbox entry per recipient of a message, keyed by the event's global sequence (async daemon: a cursor
/// never skips). Idempotent id, so each recipient has a message in their inbox exactly once.
/// </summary>
public sealed record InboxEntry(string Id, Guid UserId, Guid ConversationId, Guid MessageId, long Sequence, DateTimeOffset At)
{
    public static string IdFor(Guid userId, Guid messageId) => $"{userId:N}:{messageId:N}";
}

public sealed partial class InboxProjection : EventProjection
{
    public void Project(IEvent<MessagePosted> e, IDocumentOperations ops)
    {
        foreach (var recipient in e.Data.Recipients.Where(r => r != e.Data.SenderId))
        {
            ops.Store(new InboxEntry(InboxEntry.IdFor(recipient, e.Data.MessageId), recipient, e.Data.ConversationId, e.Data.MessageId, e.Sequence, e.Data.At));
        }
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
        var visible = new Dictionary<Guid, bool>();
        foreach (var conversationId in entries.Select(e => e.ConversationId).Distinct())
        {
            visible[conversationId] = await ConversationAccess.ParticipantAsync(session, caller, conversationId, ct) is not null;
        }

        var shown = entries.Where(e => visible[e.ConversationId]).ToList();
        var messages = (await session.LoadManyAsync<MessageView>(ct, shown.Select(e => e.MessageId))).ToDictionary(m => m.Id);
        var items = await reader.ReadAsync(session, caller.UserId, shown.Where(e => messages.ContainsKey(e.MessageId)).Select(e => messages[e.MessageId]).ToList(), ct);
        var byId = items.ToDictionary(i => i.MessageId);
        var page = shown.Where(e => byId.ContainsKey(e.MessageId)).Select(e => new InboxItem(e.Sequence, byId[e.MessageId])).ToList();
        return Results.Ok(new InboxPage(page, entries.Count > 0 ? entries[^1].Sequence : from));
    }
}
