using ClassComms.AccessLog;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Conversations;

public sealed record ThreadPage(Guid ConversationId, string Kind, Guid ClassId, Guid? StudentId, IReadOnlyList<Guid> StaffIds,
    IReadOnlyList<MessageItem> Messages, string? Next);

public static class GetThreadEndpoint
{
    public const int MaxPageSize = 100;

    /// <summary>Read a thread's messages, newest first.</summary>
    /// <remarks>
    /// The thread's messages, newest first; page with <c>before</c> (the <c>next</c> of the previous page). A guardian linked to
    /// the student after a shared thread began reads it from their link on.
    /// </remarks>
    [ProducesResponseType<ThreadPage>(StatusCodes.Status200OK)]
    [WolverineGet("/api/conversations/{conversationId}/messages")]
    public static async Task<IResult> Get(Guid conversationId, Guid? before, int? limit, Caller caller, IQuerySession session,
        MessageReader reader, StaffReads reads, CancellationToken ct)
    {
        var take = limit ?? 50;
        if (take is < 1 or > MaxPageSize) return Problems.Invalid("limit", $"must be between 1 and {MaxPageSize}.");
        if (await ConversationAccess.ParticipationAsync(session, caller, conversationId, ct) is not { } participation) return Problems.NotFound("conversation");
        var conversation = participation.Conversation;

        // A guardian linked later reads a shared thread from their joined-at on (Audience/Visibility.cs).
        var from = participation.VisibleFrom;
        var query = session.Query<MessageView>().Where(m => m.ConversationId == conversationId);
        if (from > DateTimeOffset.MinValue) query = query.Where(m => m.PostedAt >= from);
        if (before is { } cursor)
        {
            var last = await session.LoadAsync<MessageView>(cursor, ct);
            if (last is null || last.ConversationId != conversationId || !participation.Shows(last.PostedAt))
            {
                return Problems.Invalid("before", "is not a message of this conversation.");
            }

            query = query.Where(m => m.PostedAt < last.PostedAt);
        }

        var page = await query.OrderByDescending(m => m.PostedAt).Take(take + 1).ToListAsync(ct);
        var items = await reader.ReadAsync(session, caller.UserId, page.Take(take).ToList(), ct);
        // A private or shared thread is about one student; class announcements are notices to the class and are not logged.
        if (conversation.StudentId is { } about) await reads.RecordAsync(caller, about, AccessKinds.Messages, conversationId, ct);
        return Results.Ok(new ThreadPage(conversationId, conversation.Kind, conversation.ClassId, conversation.StudentId, conversation.StaffIds, items,
            page.Count > take ? items[^1].MessageId.ToString() : null));
    }
}
