using System.Security.Claims;
using ClassComms.Conversations;
using ClassComms.PersonalData;
using ClassComms.Platform;
using Marten;
using Wolverine.Http;

namespace ClassComms.Media;

/// <summary>
/// The only way to read media: authorized per request (a current participant of the conversation; before
/// sending, only the uploader), decrypted on the way out as a stream. HTTP Range is honoured (206 with
/// Content-Range, 416 for a range past the end), and only the segments a range covers are fetched and decrypted.
/// No read SAS is issued because blobs are encrypted with the data subjects' keys, which Blob Storage never sees.
/// </summary>
public static class DownloadAttachmentEndpoint
{
    [WolverineGet("/api/attachments/{attachmentId}")]
    public static async Task<IResult> Get(string attachmentId, HttpContext http, ClaimsPrincipal user, IQuerySession session, MediaStore media,
        PersonalDataVault vault, CancellationToken ct)
    {
        if (!Ids.TryParse(attachmentId, "attachmentId", out var id, out var bad)) return bad!;
        var caller = Caller.Of(user);
        var stored = await session.LoadAsync<MediaObject>(id, ct);
        if (stored is null) return Problems.NotFound("attachment");
        if (stored.MessageId is { } messageId)
        {
            if (await ConversationAccess.ParticipantAsync(session, caller, stored.ConversationId, ct) is null) return Problems.NotFound("attachment");
            var message = await session.LoadAsync<MessageView>(messageId, ct);
            if (message is null || message.Withdrawn) return Problems.NotFound("attachment");
        }
        else if (stored.UploadedBy != caller.UserId)
        {
            return Problems.NotFound("attachment");
        }

        var content = await media.OpenReadAsync(stored, ct);
        if (content is null) return Problems.Gone("The attachment was erased.");
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.CacheControl = "private, no-store";
        return Results.Stream(content, stored.ContentType, await vault.UnsealAsync(stored.FileName, ct) ?? "attachment", enableRangeProcessing: true);
    }
}
