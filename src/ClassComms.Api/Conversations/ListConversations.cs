using ClassComms.Guardians;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Conversations;

public sealed record ConversationSummary(Guid ConversationId, string Kind, Guid ClassId, Guid? StudentId, DateTimeOffset LastMessageAt,
    bool Participant);

public static class ListConversationsEndpoint
{
    /// <summary>List the caller's conversations, most recent first (a leader may list a class's).</summary>
    /// <remarks>
    /// Conversations the caller takes part in, most recent first. A leader may add <c>classId</c> to list every conversation of a
    /// class (metadata only) in order to join one.
    /// </remarks>
    [ProducesResponseType<IReadOnlyList<ConversationSummary>>(StatusCodes.Status200OK)]
    [ProducesProblems(403)]
    [WolverineGet("/api/conversations")]
    public static async Task<IResult> List(Guid? classId, Caller caller, IQuerySession session, CancellationToken ct)
    {
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
