using ClassComms.Media;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace ClassComms.Stories;

/// <summary>
/// A photo or video for a story post, uploaded before the post through the one media path (<see cref="UploadAttachmentEndpoint.ReceiveAsync"/>:
/// sniffed, size-checked, cleaned of metadata, encrypted while it streams to Blob Storage, the uploader's quota, expiry when never
/// posted). Its key is sealed for the uploader until the post tags students in it (<see cref="PostToStoryEndpoint"/>).
/// </summary>
public static class UploadStoryMediaEndpoint
{
    /// <summary>Upload a photo or video for a post to a story one may post to (multipart `file`).</summary>
    [ProducesResponseType<AttachmentUploaded>(StatusCodes.Status201Created)]
    [ProducesProblems(403, 413)]
    [StreamedFile("file")]
    [WolverinePost("/api/stories/{storyId}/media")]
    public static async Task<IResult> Post(Guid storyId, HttpContext http, Caller caller, IDocumentSession session, MediaStore media, IMessageBus bus,
        CancellationToken ct)
    {
        var (story, problem) = await StoryAccess.WritableAsync(session, caller, storyId, ct);
        if (problem is not null) return problem;
        return await UploadAttachmentEndpoint.ReceiveAsync(http, caller, session, media, bus, Guid.Empty, story!.Id, [caller.UserId], ct);
    }
}
