using System.Security.Claims;
using ClassComms.Platform;
using Marten;
using Wolverine.Http;

namespace ClassComms.Conversations;

/// <summary>A school leader joins any conversation of their school (recorded as an event), then reads and writes in it.</summary>
public static class JoinConversationEndpoint
{
    [WolverinePost("/api/conversations/{conversationId}/join")]
    public static async Task<IResult> Post(string conversationId, ClaimsPrincipal user, IDocumentSession session, TimeProvider clock, CancellationToken ct)
    {
        if (!Ids.TryParse(conversationId, "conversationId", out var id, out var bad)) return bad!;
        var caller = Caller.Of(user);
        if (caller.Role != Role.Leader) return Problems.Forbidden("Only a school leader can join a conversation.");
        var conversation = await session.LoadAsync<Conversation>(id, ct);
        if (conversation is null) return Problems.NotFound("conversation");
        if (!conversation.StaffIds.Contains(caller.UserId)) session.Events.Append(id, new StaffJoinedConversation(id, caller.UserId, clock.GetUtcNow()));
        return Results.NoContent();
    }
}
