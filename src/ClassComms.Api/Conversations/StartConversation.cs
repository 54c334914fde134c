using ClassComms.Classes;
using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Students;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace ClassComms.Conversations;

/// <summary>
/// A teacher writes to the guardians of one student: <c>private</c> opens one thread per guardian, <c>shared</c>
/// one thread with all of them. Attachments must be uploaded to a conversation first, so they are only
/// possible on replies and announcements.
/// </summary>
public sealed record StartConversation(Guid StudentId, string Mode, string Text, bool Urgent);

public sealed record ConversationsStarted(IReadOnlyList<StartedThread> Threads);

public sealed record StartedThread(Guid ConversationId, Guid MessageId, IReadOnlyList<Guid> GuardianIds);

public static class StartConversationEndpoint
{
    /// <summary>Write to a student's guardians: one private thread each, or one shared thread.</summary>
    [ProducesResponseType<ConversationsStarted>(StatusCodes.Status201Created)]
    [ProducesProblems(403, 409, 410)]
    [WolverinePost("/api/conversations")]
    public static async Task<(IResult, OutgoingMessages)> Post(StartConversation request, Caller caller, IDocumentSession session,
        PersonalDataVault vault, TimeProvider clock, CancellationToken ct)
    {
        if (!caller.IsTeacherOrLeader) return (Problems.Forbidden("Only teachers and school leaders start conversations."), []);

        var validation = new Validation();
        if (request.StudentId == Guid.Empty) validation.Add("studentId", "is required.");
        if (request.Mode is not (ConversationKinds.Private or ConversationKinds.Shared)) validation.Add("mode", "must be 'private' or 'shared'.");
        MessageDraft.Validate(validation, caller, request.Text, null, request.Urgent);
        if (!validation.IsValid) return (validation.ToResult(), []);

        if (await StudentAccess.TeachableAsync(session, caller, request.StudentId, ct) is not { } found) return (Problems.NotFound("student"), []);
        if (found.Student.Erased) return (Problems.Gone("The student has been erased."), []);
        // One round trip for the student, the caller and the guardians: a frozen student (or caller) refuses the thread (409); a frozen
        // guardian is left out of it (nothing new about them is processed), the other guardians are written to.
        var frozen = await ProcessingRestriction.Restrictions.FrozenAsync(session, [request.StudentId, caller.UserId, .. found.Student.VisibleGuardianIds], ct);
        if (frozen.Contains(request.StudentId) || frozen.Contains(caller.UserId)) return (ProcessingRestriction.Restrictions.Locked(), []);
        var guardians = found.Student.VisibleGuardianIds.Where(g => !frozen.Contains(g)).ToList();
        if (guardians.Count == 0) return (Problems.Conflict("The student has no linked guardian to write to."), []);

        var now = clock.GetUtcNow();
        var groups = request.Mode == ConversationKinds.Shared ? [guardians.ToList()] : guardians.Select(g => new List<Guid> { g }).ToList();
        var threads = new List<StartedThread>();
        var messages = new OutgoingMessages();
        foreach (var group in groups)
        {
            var started = new ConversationStarted(Guid.CreateVersion7(), caller.UserId, request.Mode, found.Class.Id, request.StudentId, group, [], now);
            var conversation = Conversation.Create(started);
            var messageId = Guid.CreateVersion7();
            var (body, attachments, _) = await MessageDraft.SealAsync(session, vault, caller, conversation, request.Text, null, messageId, ct);
            session.Events.StartStream<Conversation>(conversation.Id, started,
                new MessagePosted(conversation.Id, caller.UserId, messageId, body, attachments, request.Urgent, group, now));
            messages.Add(new MessageChanged(caller.SchoolId, messageId, conversation.Id, conversation.ClassId, conversation.StudentId));
            threads.Add(new StartedThread(conversation.Id, messageId, group));
        }

        return (Results.Created("/api/conversations", new ConversationsStarted(threads)), messages);
    }
}
