using System.Security.Claims;
using ClassComms.Guardians;
using ClassComms.Platform;
using Marten;
using Wolverine.Http;

namespace ClassComms.Conversations;

public sealed record ThreadPage(Guid ConversationId, string Kind, Guid ClassId, Guid? StudentId, IReadOnlyList<Guid> StaffIds,
    IReadOnlyList<MessageItem> Messages, string? Next);

public sealed record ConversationSummary(Guid ConversationId, string Kind, Guid ClassId, Guid? StudentId, DateTimeOffset LastMessageAt,
    bool Participant);

public static class GetThreadEndpoint
{
    public const int MaxPageSize = 100;

    /// <summary>The thread's messages, newest first; page with <c>before</c> (the <c>next</c> of the previous page).</summary>
    [WolverineGet("/api/conversations/{conversationId}/messages")]
    public static async Task<IResult> Get(string conversationId, string? before, int? limit, ClaimsPrincipal user, IQuerySession session,
        MessageReader reader, CancellationToken ct)
    {
        if (!Ids.TryParse(conversationId, "conversationId", out var id, out var bad)) return bad!;
        var take = limit ?? 50;
        if (take is < 1 or > MaxPageSize) return Problems.Invalid("limit", $"must be between 1 and {MaxPageSize}.");
        var caller = Caller.Of(user);
        var conversation = await ConversationAccess.ParticipantAsync(session, caller, id, ct);
        if (conversation is null) return Problems.NotFound("conversation");

        var query = session.Query<MessageView>().Where(m => m.ConversationId == id);
        if (before is not null)
        {
            if (!Ids.TryParse(before, "before", out var cursor, out bad)) return bad!;
            var last = await session.LoadAsync<MessageView>(cursor, ct);
            if (last is null || last.ConversationId != id) return Problems.Invalid("before", "is not a message of this conversation.");
            query = query.Where(m => m.PostedAt < last.PostedAt);
        }

        var page = await query.OrderByDescending(m => m.PostedAt).Take(take + 1).ToListAsync(ct);
        var items = await reader.ReadAsync(session, caller.UserId, page.Take(take).ToList(), ct);
        return Results.Ok(new ThreadPage(id, conversation.Kind, conversation.ClassId, conversation.StudentId, conversation.StaffIds, items,
            page.Count > take ? items[^1].MessageId.ToString() : null));
    }

    /// <summary>
    /// Conversations the caller takes part in, most recent first. A leader may add <c>classId</c> to list every
    /// conversation of a class (metadata only) in order to join one.
    /// </summary>
    [WolverineGet("/api/conversations")]
    public static async Task<IResult> List(Guid? classId, ClaimsPrincipal user, IQuerySession session, CancellationToken ct)
    {
        var caller = Caller.Of(user);
        List<Conversation> candidates;
        if (caller.Role == Role.Guardian)
        {
            var children = await GetMyChildrenEndpoint.VisibleChildrenAsync(session, caller.UserId, ct);
            var studentIds = children.Select(c => c.Id).ToArray();
            var classIds = children.Select(c => c.ClassId).Distinct().ToArray();
            candidates = (await session.Query<Conversation>()
                .Where(c => c.StudentId.IsOneOf(studentIds.Cast<Guid?>().ToArray()) || (c.Kind == ConversationKinds.Announcement && c.ClassId.IsOneOf(classIds)))
                .ToListAsync(ct)).ToList();
            var visible = new List<Conversation>();
            foreach (var c in candidates)
            {
                if ((await ConversationAccess.GuardianRecipientsAsync(session, c, ct)).Contains(caller.UserId)) visible.Add(c);
            }

            candidates = visible;
        }
        else if (caller.Role == Role.Leader && classId is { } cid)
        {
            candidates = (await session.Query<Conversation>().Where(c => c.ClassId == cid).ToListAsync(ct)).ToList();
        }
        else if (caller.IsTeacherOrLeader)
        {
            candidates = (await session.Query<Conversation>().Where(c => c.StaffIds.Contains(caller.UserId)).ToListAsync(ct)).ToList();
        }
        else
        {
            return Problems.Forbidden("Only teachers, leaders and guardians have conversations.");
        }

        return Results.Ok(candidates.OrderByDescending(c => c.LastMessageAt)
            .Select(c => new ConversationSummary(c.Id, c.Kind, c.ClassId, c.StudentId, c.LastMessageAt,
                caller.Role == Role.Guardian || c.StaffIds.Contains(caller.UserId))).ToList());
    }
}
