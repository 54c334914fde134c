using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace ClassComms.Conversations;

/// <summary>A school-wide announcement from a leader to every guardian with an unrestricted child in the school.</summary>
public sealed record PostSchoolAnnouncement(string Text, bool Urgent);

/// <summary>
/// The class announcement's path for the whole school: the same validation and sealing (<see cref="MessageDraft"/>), the same
/// audience decision (<see cref="ConversationAccess"/>, <c>Audience/Visibility</c>: restricted guardians and guardians with no
/// child left get nothing), the same per-reader inbox entries written in the commit and the same push handler after it (mutes:
/// a guardian who muted every class of their children gets no push; urgent ignores that).
/// </summary>
public static class PostSchoolAnnouncementEndpoint
{
    /// <summary>Post an announcement to every family of the school (a leader).</summary>
    [ProducesResponseType<AnnouncementPosted>(StatusCodes.Status201Created)]
    [ProducesProblems(403)]
    [WolverinePost("/api/school/announcements")]
    public static async Task<(IResult, OutgoingMessages)> Post(PostSchoolAnnouncement request, Caller caller, IDocumentSession session,
        PersonalData.PersonalDataVault vault, TimeProvider clock, CancellationToken ct)
    {
        if (caller.Role != Role.Leader) return (Problems.Forbidden("Only a school leader can announce to the whole school."), []);
        var validation = new Validation();
        MessageDraft.Validate(validation, caller, request.Text, null, request.Urgent);
        if (!validation.IsValid) return (validation.ToResult(), []);

        var now = clock.GetUtcNow();
        var started = new ConversationStarted(Guid.CreateVersion7(), caller.UserId, ConversationKinds.SchoolAnnouncement, Guid.Empty, null, [], [], now);
        var conversation = Conversation.Create(started);
        var recipients = await ConversationAccess.GuardianRecipientsAsync(session, conversation, ct);
        var messageId = Guid.CreateVersion7();
        var (body, attachments, _) = await MessageDraft.SealAsync(session, vault, caller, conversation, request.Text, null, messageId, ct);
        session.Events.StartStream<Conversation>(conversation.Id, started,
            new MessagePosted(conversation.Id, caller.UserId, messageId, body, attachments, request.Urgent, recipients.ToList(), now));
        return (Results.Created($"/api/conversations/{conversation.Id}", new AnnouncementPosted(conversation.Id, messageId, recipients.Count)),
            new OutgoingMessages { new MessageChanged(caller.SchoolId, messageId, conversation.Id, Guid.Empty, null) });
    }
}
