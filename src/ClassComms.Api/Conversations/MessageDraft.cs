using ClassComms.Media;
using ClassComms.PersonalData;
using ClassComms.Platform;
using Marten;

namespace ClassComms.Conversations;

/// <summary>Validates and seals the content of a new message: its text and any attachments uploaded beforehand.</summary>
public static class MessageDraft
{
    public const int MaxTextLength = 4000;
    public const int MaxAttachments = 10;

    public static void Validate(Validation validation, Caller sender, string? text, IReadOnlyList<Guid>? attachmentIds, bool urgent)
    {
        if (urgent && sender.Role != Role.Leader) validation.Add("urgent", "only a school leader can mark a message urgent.");
        var attachments = attachmentIds ?? [];
        if (string.IsNullOrWhiteSpace(text) && attachments.Count == 0) validation.Add("text", "is required when there are no attachments.");
        validation.Optional(text, "text", MaxTextLength);
        if (attachments.Count > MaxAttachments) validation.Add("attachmentIds", $"must list at most {MaxAttachments} attachments.");
        if (attachments.Distinct().Count() != attachments.Count) validation.Add("attachmentIds", "must not repeat an attachment.");
    }

    /// <summary>
    /// Seals the body for the sender and every student the conversation is about, and claims the attachments.
    /// Decides before it stages: every attachment is checked before any is claimed, so a refused message claims none.
    /// An attachment already sent in another message is a 409. The attachments are read under their
    /// <see cref="AttachmentLocks"/> (held until this message's transaction ends), so a simultaneous claim by another message
    /// or the unsent-attachment expiry waits and then sees this one's outcome.
    /// </summary>
    public static async Task<(Sealed Body, IReadOnlyList<AttachmentRef> Attachments, IResult? Problem)> SealAsync(IDocumentSession session,
        PersonalDataVault vault, Caller sender, Conversation conversation, string? text, IReadOnlyList<Guid>? attachmentIds, Guid messageId,
        CancellationToken ct)
    {
        var ids = attachmentIds ?? [];
        // Waits for an expiry of any of them that is under way, and holds it off until this message commits or is refused.
        await AttachmentLocks.SerialiseAsync(session, ids, ct);
        var found = ids.Count == 0 ? [] : (await session.LoadManyAsync<MediaObject>(ct, ids)).ToDictionary(m => m.Id);
        var claimed = new List<MediaObject>();
        foreach (var id in ids)
        {
            if (!found.TryGetValue(id, out var media) || media.UploadedBy != sender.UserId || media.ConversationId != conversation.Id
                || media.DeletedAt is not null)
            {
                return (null!, [], Problems.Invalid("attachmentIds", "contains an attachment that is not yours to send in this conversation."));
            }

            if (media.MessageId is not null) return (null!, [], Problems.Conflict("An attachment in 'attachmentIds' was already sent in another message."));

            claimed.Add(media);
        }

        IReadOnlyList<Guid> subjects = [sender.UserId, .. conversation.SubjectStudents];
        // Keys not cached yet are read in one round trip, not one per subject (none when they are all cached).
        if (subjects.Count > 1) await vault.PreloadAsync(subjects, ct);
        var body = await vault.SealForAllAsync(sender.Tenant, subjects, "message.body", messageId.ToString(), (text ?? "").Trim(), ct);
        foreach (var media in claimed)
        {
            media.MessageId = messageId;
            session.Store(media);
        }

        return (body, claimed.Select(m => m.ToRef()).ToList(), null);
    }
}
