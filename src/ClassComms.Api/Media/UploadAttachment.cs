using ClassComms.Conversations;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Wolverine;
using Wolverine.Http;

namespace ClassComms.Media;

public sealed record AttachmentUploaded(Guid AttachmentId, string Kind, string ContentType, long Size, int? Width, int? Height);

/// <summary>
/// Upload through the API (multipart form, field <c>file</c>) into a conversation one may write in; the
/// attachment is then sent by listing its id in a message (one not sent within <see cref="MediaOptions.UnsentAttachmentLifetime"/>
/// is deleted, see <see cref="ExpireUnsentAttachment"/>). The form is read as a stream: content is sniffed from
/// its first bytes, limited while it is read and encrypted on its way to Blob Storage (images are cleaned first,
/// in memory). A refused, oversized or truncated upload answers 4xx and leaves nothing stored. The quota holds across
/// parallel uploads (<see cref="UploadReservations"/>), and a commit that fails deletes the blob it would have described.
/// </summary>
public static class UploadAttachmentEndpoint
{
    private const string Field = "file";

    /// <summary>Upload an attachment (multipart `file`): sniffed, size-checked while read, stripped of metadata and encrypted.</summary>
    [ProducesResponseType<AttachmentUploaded>(StatusCodes.Status201Created)]
    [ProducesProblems(403, 413)]
    [StreamedFile(Field)]
    [WolverinePost("/api/conversations/{conversationId}/attachments")]
    public static async Task<IResult> Post(Guid conversationId, HttpContext http, Caller caller, IDocumentSession session,
        MediaStore media, IMessageBus bus, CancellationToken ct)
    {
        var conversation = await WritableAsync(session, caller, conversationId, ct);
        if (conversation.Problem is not null) return conversation.Problem;
        return await ReceiveAsync(http, caller, session, media, bus, conversationId, null, [caller.UserId, .. conversation.Conversation!.SubjectStudents], ct);
    }

    /// <summary>
    /// Reads the multipart form's <c>file</c>, ingests it (<see cref="MediaStore.IngestAsync"/>) for <paramref name="subjects"/>, and commits
    /// its document with the quota settlement and the scheduled expiry; 201 with what was stored. Uploads into a conversation
    /// (<paramref name="conversationId"/>), into a story (<paramref name="storyId"/>, conversation id empty) and into a portfolio
    /// (<paramref name="tag"/> marks the media as the portfolio's before it is stored, Portfolios/) share it.
    /// </summary>
    public static async Task<IResult> ReceiveAsync(HttpContext http, Caller caller, IDocumentSession session, MediaStore media, IMessageBus bus,
        Guid conversationId, Guid? storyId, IReadOnlyList<Guid> subjects, CancellationToken ct, Action<MediaObject>? tag = null)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = media.Options.MaxBytes + 64 * 1024;
        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var type) || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 and <= 200 } boundary)
        {
            return Problems.Invalid(Field, "must be sent as multipart/form-data.");
        }

        var reader = new MultipartReader(boundary, http.Request.Body) { BodyLengthLimit = media.Options.MaxBytes + 1 };
        MediaObject? stored = null;
        try
        {
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (stored is not null || section.AsFileSection() is not { Name: Field } file)
                {
                    await section.Body.DrainAsync(ct); // other fields are ignored, but the form must be whole
                    continue;
                }

                var (ingested, problem) = await media.IngestAsync(caller, conversationId, subjects, file.FileName, file.FileStream!, Field, ct);
                if (problem is not null) return problem;
                stored = ingested;
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            if (stored is not null) await media.DiscardAsync(stored, CancellationToken.None);
            return Problems.Invalid(Field, "was not received completely (the upload ended early or the form is malformed).");
        }
        catch
        {
            if (stored is not null) await media.DiscardAsync(stored, CancellationToken.None);
            throw;
        }

        if (stored is null) return Problems.Invalid(Field, "is required and must not be empty.");
        stored.StoryId = storyId;
        tag?.Invoke(stored);
        session.Store(stored);
        session.QueueSqlCommand(UploadReservations.SettleSql, stored.Id);
        await bus.ScheduleAsync(new ExpireUnsentAttachment(caller.SchoolId, stored.Id), media.Options.UnsentAttachmentLifetime);
        try
        {
            // Committed here rather than by the middleware, so a failed commit can be compensated: without it the blob
            // would stay behind with no document pointing at it.
            await session.SaveChangesAsync(ct);
        }
        catch
        {
            await media.DiscardAsync(stored, CancellationToken.None);
            throw;
        }

        return Results.Created($"/api/attachments/{stored.Id}",
            new AttachmentUploaded(stored.Id, stored.Kind, stored.ContentType, stored.Size, stored.Width, stored.Height));
    }

    /// <summary>The conversation if the caller may write in it (404 if not a participant, 403 for guardians on announcements).</summary>
    public static async Task<(Conversation? Conversation, IResult? Problem)> WritableAsync(IQuerySession session, Caller caller, Guid id, CancellationToken ct)
    {
        var conversation = await ConversationAccess.ParticipantAsync(session, caller, id, ct);
        if (conversation is null) return (null, Problems.NotFound("conversation"));
        if (caller.Role == Role.Guardian && ConversationKinds.IsAnnouncement(conversation.Kind))
        {
            return (null, Problems.Forbidden("Announcements cannot be answered."));
        }

        return (conversation, null);
    }
}
