using ClassComms.Audience;
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
    /// class (metadata only) in order to join one. For a guardian linked after a shared thread's last message, <c>lastMessageAt</c>
    /// is their link time (earlier messages are not theirs).
    /// </remarks>
    [ProducesResponseType<IReadOnlyList<ConversationSummary>>(StatusCodes.Status200OK)]
    [ProducesProblems(403)]
    [WolverineGet("/api/conversations")]
    public static async Task<IResult> List(Guid? classId, Caller caller, IQuerySession session, CancellationToken ct)
    {
        List<Conversation> candidates;
        if (caller.Role == Role.Guardian)
        {
            // The access document names the children and classes (one load); the decision says which conversations and from when.
            var access = await AudienceAccess.LoadAsync(session, caller.UserId, ct);
            if (access is null) return Results.Ok(new List<ConversationSummary>());
            var studentIds = access.VisibleChildren.Select(c => (Guid?)c.StudentId).ToArray();
            var classIds = access.ClassIds.ToArray();
            // School-wide announcements reach anyone with an unrestricted child in the school (no such kind when there is none).
            var schoolWide = classIds.Length > 0 ? ConversationKinds.SchoolAnnouncement : "";
            var found = await session.Query<Conversation>()
                .Where(c => c.StudentId.IsOneOf(studentIds) || (c.Kind == ConversationKinds.Announcement && c.ClassId.IsOneOf(classIds))
                            || c.Kind == schoolWide)
                .ToListAsync(ct);
            // A shared thread whose last message came before the guardian joined shows their joined-at: nothing newer is theirs.
            return Results.Ok(found.Select(c => (Conversation: c, From: ConversationAccess.Of(access, c)))
                .Where(x => x.From is not null)
                .Select(x => new ConversationSummary(x.Conversation.Id, x.Conversation.Kind, x.Conversation.ClassId, x.Conversation.StudentId,
                    x.Conversation.LastMessageAt >= x.From!.Value ? x.Conversation.LastMessageAt : x.From.Value, true))
                .OrderByDescending(s => s.LastMessageAt).ToList());
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

        // Conversations about a student whose processing is restricted are not listed to staff (guardians are kept out
        // by the access document's Frozen flag above).
        var frozen = await ProcessingRestriction.Restrictions.FrozenAsync(session,
            candidates.Where(c => c.StudentId is not null).Select(c => c.StudentId!.Value).ToList(), ct);
        return Results.Ok(candidates.Where(c => c.StudentId is not { } s || !frozen.Contains(s)).OrderByDescending(c => c.LastMessageAt)
            .Select(c => new ConversationSummary(c.Id, c.Kind, c.ClassId, c.StudentId, c.LastMessageAt, c.StaffIds.Contains(caller.UserId))).ToList());
    }
}
