using ClassComms.Audience;
using ClassComms.Classes;
using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.ProcessingRestriction;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace ClassComms.Conversations;

/// <summary>A class announcement to every linked guardian; <c>aboutStudentIds</c> names students it concerns (their restricted guardians get nothing).</summary>
public sealed record PostAnnouncement(string Text, IReadOnlyList<Guid>? AboutStudentIds, bool Urgent);

public sealed record AnnouncementPosted(Guid ConversationId, Guid MessageId, int Recipients);

public static class PostAnnouncementEndpoint
{
    /// <summary>Post an announcement to every linked guardian of a class.</summary>
    [ProducesResponseType<AnnouncementPosted>(StatusCodes.Status201Created)]
    [ProducesProblems(409)]
    [WolverinePost("/api/classes/{classId}/announcements")]
    public static async Task<(IResult, OutgoingMessages)> Post(Guid classId, PostAnnouncement request, Caller caller,
        IDocumentSession session, PersonalDataVault vault, TimeProvider clock, CancellationToken ct)
    {

        var validation = new Validation();
        MessageDraft.Validate(validation, caller, request.Text, null, request.Urgent);
        var about = request.AboutStudentIds ?? [];
        if (!validation.IsValid) return (validation.ToResult(), []);

        // One round trip for every read the decision needs: the class, the families who hear of it (links and mutes of everyone
        // with an unrestricted child in the class) and, when the announcement names students, whether any of them (or the caller)
        // is frozen. Decided in the same order as if read one by one: the class first, so a caller who may not teach it learns nothing.
        var read = session.CreateBatchQuery();
        var classLoad = read.Load<SchoolClass>(classId);
        var audienceLoad = AudienceAccess.OfClassInBatch(read, session.TenantId, classId);
        var frozenLoad = about.Count > 0 && caller.Role != Role.Dpo
            ? read.LoadMany<SubjectRestriction>().ById(about.Append(caller.UserId).Distinct().ToArray())
            : null;
        await read.Execute(ct);
        var schoolClass = ClassAccess.Readable(caller, await classLoad);
        if (schoolClass is null || !ClassAccess.CanTeach(caller, schoolClass)) return (Problems.NotFound("class"), []);
        if (about.Any(s => !schoolClass.StudentIds.Contains(s))) return (Problems.Invalid("aboutStudentIds", "contains students who are not in this class."), []);
        if (frozenLoad is not null && (await frozenLoad).Count > 0) return (Restrictions.Locked(), []);

        var now = clock.GetUtcNow();
        var started = new ConversationStarted(Guid.CreateVersion7(), caller.UserId, ConversationKinds.Announcement, classId, null, [], about.Distinct().ToList(), now);
        var conversation = Conversation.Create(started);
        var recipients = ConversationAccess.GuardianAudience(conversation, await audienceLoad(), DateTimeOffset.MaxValue).Select(a => a.Id).ToHashSet();
        var messageId = Guid.CreateVersion7();
        var (body, attachments, _) = await MessageDraft.SealAsync(session, vault, caller, conversation, request.Text, null, messageId, ct);
        session.Events.StartStream<Conversation>(conversation.Id, started,
            new MessagePosted(conversation.Id, caller.UserId, messageId, body, attachments, request.Urgent, recipients.ToList(), now));
        return (Results.Created($"/api/conversations/{conversation.Id}", new AnnouncementPosted(conversation.Id, messageId, recipients.Count)),
            new OutgoingMessages { new MessageChanged(caller.SchoolId, messageId, conversation.Id, classId, conversation.StudentId) });
    }
}
