using ClassComms.AccessLog;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Conversations;

public sealed record ThreadPage(Guid ConversationId, string Kind, Guid ClassId, Guid? StudentId, IReadOnlyList<Guid> StaffIds,
    IReadOnlyList<MessageItem> Messages, string? Next, long Cursor = 0);

public static class GetThreadEndpoint
{
    public const int MaxPageSize = 100;

    /// <summary>Read a thread's messages: newest first (page back with `before`), or oldest first after a message (`after`, catch-up).</summary>
    /// <remarks>
    /// Without <c>after</c>, the thread's messages come newest first; page with <c>before</c> (the <c>next</c> of the previous page).
    /// With <c>after</c> (the id of the newest message the client holds), the messages posted after it come oldest first (a message
    /// posted at the same instant as it may come again: keep messages by id), and <c>next</c> is set when a full page came (read again
    /// after its last message). A guardian linked to the student after a shared thread began reads it from their link on.
    /// <c>cursor</c> is the thread's change cursor: the newest page's is the position of the latest change the caller may see
    /// (read before the page, so no change lands behind it). With <c>since</c> (a cursor), the messages posted, withdrawn or read
    /// since it come whole, in the order they changed, and <c>cursor</c> is the one to pass next (<c>next</c> set when a full page
    /// came): a reconnecting page catches up on new messages, withdrawals and read receipts without re-reading the thread.
    /// </remarks>
    [ProducesResponseType<ThreadPage>(StatusCodes.Status200OK)]
    [WolverineGet("/api/conversations/{conversationId}/messages")]
    public static async Task<IResult> Get(Guid conversationId, Guid? before, Guid? after, long? since, int? limit, Caller caller, IQuerySession session,
        MessageReader reader, StaffReads reads, CancellationToken ct)
    {
        var take = limit ?? 50;
        if (take is < 1 or > MaxPageSize) return Problems.Invalid("limit", $"must be between 1 and {MaxPageSize}.");
        if (before is not null && after is not null) return Problems.Invalid("after", "cannot be combined with 'before'.");
        if (since is < 0) return Problems.Invalid("since", "must not be negative.");
        if (since is not null && (before is not null || after is not null)) return Problems.Invalid("since", "cannot be combined with 'before' or 'after'.");
        if (await ConversationAccess.ParticipationAsync(session, caller, conversationId, ct) is not { } participation) return Problems.NotFound("conversation");
        var conversation = participation.Conversation;

        // A guardian linked later reads a shared thread from their joined-at on (Audience/Visibility.cs).
        var from = participation.VisibleFrom;
        var query = session.Query<MessageView>().Where(m => m.ConversationId == conversationId);
        if (from > DateTimeOffset.MinValue) query = query.Where(m => m.PostedAt >= from);
        if (since is { } position)
        {
            // webcursor3: the thread's changes after a cursor, in the order they happened (positions taken at commit, per conversation).
            var changed = await query.Where(m => m.Sequence > position).OrderBy(m => m.Sequence).Take(take + 1).ToListAsync(ct);
            var shown = changed.Take(take).ToList();
            var changedItems = await reader.ReadAsync(session, caller.UserId, shown, ct);
            if (conversation.StudentId is { } pupil) await reads.RecordAsync(caller, pupil, AccessKinds.Messages, conversationId, ct);
            var next = shown.Count > 0 ? shown[^1].Sequence : position;
            return Results.Ok(new ThreadPage(conversationId, conversation.Kind, conversation.ClassId, conversation.StudentId, conversation.StaffIds, changedItems,
                changed.Count > take ? next.ToString(System.Globalization.CultureInfo.InvariantCulture) : null, next));
        }

        if (before is { } cursor)
        {
            var last = await session.LoadAsync<MessageView>(cursor, ct);
            if (last is null || last.ConversationId != conversationId || !participation.Shows(last.PostedAt))
            {
                return Problems.Invalid("before", "is not a message of this conversation.");
            }

            query = query.Where(m => m.PostedAt < last.PostedAt);
        }

        if (after is { } held)
        {
            var first = await session.LoadAsync<MessageView>(held, ct);
            if (first is null || first.ConversationId != conversationId || !participation.Shows(first.PostedAt))
            {
                return Problems.Invalid("after", "is not a message of this conversation.");
            }

            var newer = await query.Where(m => m.PostedAt >= first.PostedAt && m.Id != held).OrderBy(m => m.PostedAt).Take(take + 1).ToListAsync(ct);
            var read = await reader.ReadAsync(session, caller.UserId, newer.Take(take).ToList(), ct);
            if (conversation.StudentId is { } student) await reads.RecordAsync(caller, student, AccessKinds.Messages, conversationId, ct);
            return Results.Ok(new ThreadPage(conversationId, conversation.Kind, conversation.ClassId, conversation.StudentId, conversation.StaffIds, read,
                newer.Count > take ? read[^1].MessageId.ToString() : null));
        }

        // The change cursor first: a change committed after it is read again by the next `since`, never lost.
        var latest = before is null ? await query.OrderByDescending(m => m.Sequence).Select(m => m.Sequence).Take(1).ToListAsync(ct) : [];
        var page = await query.OrderByDescending(m => m.PostedAt).Take(take + 1).ToListAsync(ct);
        var items = await reader.ReadAsync(session, caller.UserId, page.Take(take).ToList(), ct);
        // A private or shared thread is about one student; class announcements are notices to the class and are not logged.
        if (conversation.StudentId is { } about) await reads.RecordAsync(caller, about, AccessKinds.Messages, conversationId, ct);
        return Results.Ok(new ThreadPage(conversationId, conversation.Kind, conversation.ClassId, conversation.StudentId, conversation.StaffIds, items,
            page.Count > take ? items[^1].MessageId.ToString() : null, latest.Count > 0 ? latest[0] : 0));
    }
}
