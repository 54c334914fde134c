using System.Security.Claims;
using ClassComms.Conversations;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Http.Features;
using Wolverine.Http;

namespace ClassComms.Media;

public sealed record AttachmentUploaded(Guid AttachmentId, string Kind, string ContentType, long Size, int? Width, int? Height);

/// <summary>
/// Upload through the API (multipart form, field <c>file</c>) into a conversation one may write in; the
/// attachment is then sent by listing its id in a message. Content is sniffed, limited and cleaned.
/// </summary>
public static class UploadAttachmentEndpoint
{
    [WolverinePost("/api/conversations/{conversationId}/attachments")]
    public static async Task<IResult> Post(string conversationId, HttpContext http, ClaimsPrincipal user, IDocumentSession session,
        MediaStore media, CancellationToken ct)
    {
        if (!Ids.TryParse(conversationId, "conversationId", out var id, out var bad)) return bad!;
        var caller = Caller.Of(user);
        var conversation = await WritableAsync(session, caller, id, ct);
        if (conversation.Problem is not null) return conversation.Problem;

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = media.Options.MaxBytes + 64 * 1024;
        if (!http.Request.HasFormContentType) return Problems.Invalid("file", "must be sent as multipart/form-data.");
        IFormCollection form;
        try
        {
            form = await http.Request.ReadFormAsync(new Microsoft.AspNetCore.Http.Features.FormOptions { MultipartBodyLengthLimit = media.Options.MaxBytes }, ct);
        }
        catch (InvalidDataException)
        {
            return Problems.Invalid("file", "is too large or the form is malformed.");
        }

        if (form.Files.GetFile("file") is not { Length: > 0 } file) return Problems.Invalid("file", "is required and must not be empty.");
        if (file.Length > media.Options.MaxBytes) return Problems.Invalid("file", "is too large.");
        using var buffer = new MemoryStream((int)file.Length);
        await file.CopyToAsync(buffer, ct);

        var (stored, problem) = await media.IngestAsync(caller, id, [caller.UserId, .. conversation.Conversation!.SubjectStudents],
            file.FileName, buffer.ToArray(), "file", ct);
        if (problem is not null) return problem;
        session.Store(stored!);
        return Results.Created($"/api/attachments/{stored!.Id}",
            new AttachmentUploaded(stored.Id, stored.Kind, stored.ContentType, stored.Size, stored.Width, stored.Height));
    }

    /// <summary>The conversation if the caller may write in it (404 if not a participant, 403 for guardians on announcements).</summary>
    public static async Task<(Conversation? Conversation, IResult? Problem)> WritableAsync(IQuerySession session, Caller caller, Guid id, CancellationToken ct)
    {
        var conversation = await ConversationAccess.ParticipantAsync(session, caller, id, ct);
        if (conversation is null) return (null, Problems.NotFound("conversation"));
        if (caller.Role == Role.Guardian && conversation.Kind == ConversationKinds.Announcement)
        {
            return (null, Problems.Forbidden("Announcements cannot be answered."));
        }

        return (conversation, null);
    }
}
