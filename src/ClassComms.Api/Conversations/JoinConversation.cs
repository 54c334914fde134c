using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Conversations;

/// <summary>A school leader joins any conversation of their school (recorded as an event), then reads and writes in it.</summary>
public static class JoinConversationEndpoint
{
    /// <summary>Join a conversation of the school as its leader.</summary>
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesProblems(403)]
    [WolverinePost("/api/conversations/{conversationId}/join")]
    public static async Task<IResult> Post(Guid conversationId, Caller caller, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        if (caller.Role != Role.Leader) return Problems.Forbidden("Only a school leader can join a conversation.");
        var conversation = await session.LoadAsync<Conversation>(conversationId, ct);
        if (conversation is null) return Problems.NotFound("conversation");
        if (!conversation.StaffIds.Contains(caller.UserId)) session.Events.Append(conversationId, new StaffJoinedConversation(conversationId, caller.UserId, clock.GetUtcNow()));
        return Results.NoContent();
    }
}
