using ClassComms.AccessLog;
using ClassComms.Conversations;
using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Stories;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Media;

/// <summary>
/// The only way to read media: authorized per request (a current participant of the conversation; before
/// sending, only the uploader), decrypted on the way out as a stream. HTTP Range is honoured (206 with
/// Content-Range, 416 for a range past the end), and only the segments a range covers are fetched and decrypted.
/// No read SAS is issued because blobs are encrypted with the data subjects' keys, which Blob Storage never sees.
/// Stored content that fails authentication is never served: see <see cref="AuthenticatedMediaResult"/>.
/// </summary>
public static class DownloadAttachmentEndpoint
{
    /// <summary>Download an attachment, decrypted as it is streamed; honours `Range`.</summary>
    [ProducesResponseType<Stream>(StatusCodes.Status200OK, "application/octet-stream")]
    [ProducesResponseType<Stream>(StatusCodes.Status206PartialContent, "application/octet-stream")]
    [ProducesProblems(410, 416)]
    [WolverineGet("/api/attachments/{attachmentId}")]
    public static async Task<IResult> Get(Guid attachmentId, HttpContext http, Caller caller, IQuerySession session, MediaStore media,
        PersonalDataVault vault, StaffReads reads, ILogger<AuthenticatedMediaResult> logger, CancellationToken ct)
    {
        var stored = await session.LoadAsync<MediaObject>(attachmentId, ct);
        if (stored is null) return Problems.NotFound("attachment");
        IReadOnlyList<Guid> about = [];
        if (stored.StoryPostId is { } postId)
        {
            // Served only while the post's view still holds the item: consent withdrawn or a tagged student erased takes it down.
            if (await StoryAccess.ReadablePostAsync(session, caller, postId, ct) is not { } found
                || found.Post.Media.FirstOrDefault(m => m.Attachment.AttachmentId == stored.Id && found.Story.CanSee(found.Post, m)) is not { } item) return Problems.NotFound("attachment");
            about = item.TaggedStudentIds;
        }
        else if (stored.MessageId is { } messageId)
        {
            if (await ConversationAccess.ParticipationAsync(session, caller, stored.ConversationId, ct) is not { } participation) return Problems.NotFound("attachment");
            var message = await session.LoadAsync<MessageView>(messageId, ct);
            if (message is null || message.Withdrawn || !participation.Shows(message.PostedAt)) return Problems.NotFound("attachment");
            if (participation.Conversation.StudentId is { } student) about = [student];
        }
        else if (stored.PortfolioItemId is { } itemId)
        {
            if (!await Portfolios.PortfolioAccess.CanSeeItemAsync(session, caller, itemId, ct)) return Problems.NotFound("attachment");
            if (stored.PortfolioStudentId is { } student) about = [student];
        }
        else if (stored.UploadedBy != caller.UserId)
        {
            return Problems.NotFound("attachment");
        }

        Stream? content;
        try
        {
            content = await media.OpenReadAsync(stored, ct);
        }
        catch (MediaIntegrityException)
        {
            AuthenticatedMediaResult.LogFailure(logger, stored.Id, started: false);
            return AuthenticatedMediaResult.Corrupt();
        }

        if (content is null) return Problems.Gone("The attachment was erased.");
        try
        {
            await reads.RecordAsync(caller, about.Select(s => new StaffRead(s, AccessKinds.MediaDownload, stored.Id)).ToList(), ct);
        }
        catch
        {
            await content.DisposeAsync();
            throw;
        }

        var fileName = await vault.UnsealAsync(stored.FileName, MediaStore.Record(stored.Id), ct) ?? "attachment";
        return new AuthenticatedMediaResult(stored.Id, Results.Stream(content, stored.ContentType, fileName, enableRangeProcessing: true), logger);
    }
}

/// <summary>
/// Serves decrypted media so that nothing unauthenticated is ever released. Every segment is authenticated before any
/// of its bytes are written (<see cref="ContentDecryptingStream"/>). When a segment fails authentication:
/// <list type="bullet">
/// <item>before the response has started (the first segment read: the whole file, or the first segment of a range), the
/// prepared headers (status, length, range, file name) are cleared and a 500 problem says the stored attachment failed its
/// integrity check. 500 because the fault is in what the server stored, not in the request (no 4xx), Blob Storage
/// answered faithfully with what it holds (no 502), and a retry cannot help (no 503);</item>
/// <item>once bytes have been sent, the connection is aborted: the client sees a truncated transfer (the declared
/// length is never reached), never a complete-looking file.</item>
/// </list>
/// Either way an error is logged with the attachment id only.
/// </summary>
public sealed class AuthenticatedMediaResult(Guid attachmentId, IResult inner, ILogger logger) : IResult
{
    public const string CorruptTitle = "The stored attachment failed its integrity check.";

    public static IResult Corrupt() =>
        Results.Problem(statusCode: StatusCodes.Status500InternalServerError, title: CorruptTitle,
            detail: "The attachment cannot be served because its stored content does not authenticate; retrying will not help.");

    public static void LogFailure(ILogger logger, Guid attachmentId, bool started) =>
        logger.LogError("Attachment {AttachmentId} failed authentication while being served (response started: {Started}); nothing unauthenticated was sent",
            attachmentId, started);

    public async Task ExecuteAsync(HttpContext http)
    {
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.CacheControl = "private, no-store";
        try
        {
            await inner.ExecuteAsync(http);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or MediaIntegrityException or EndOfStreamException)
        {
            LogFailure(logger, attachmentId, http.Response.HasStarted);
            if (http.Response.HasStarted)
            {
                http.Abort();
                return;
            }

            http.Response.Clear();
            await Corrupt().ExecuteAsync(http);
        }
    }
}
