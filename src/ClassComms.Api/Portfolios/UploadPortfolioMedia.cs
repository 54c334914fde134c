using ClassComms.Media;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace ClassComms.Portfolios;

/// <summary>
/// Upload a photo, video, drawing (an image) or file (PDF) for a student's portfolio, through the media path every upload takes
/// (<see cref="UploadAttachmentEndpoint.ReceiveAsync"/>: sniffed, limited, cleaned, encrypted, sealed for the uploader and the
/// student). It is then added with <c>POST /api/students/{studentId}/portfolio</c> (<c>attachmentId</c>); one not added within
/// the unsent-attachment lifetime is deleted. The student and their teachers (class teacher, leaders) may upload.
/// </summary>
public static class UploadPortfolioMediaEndpoint
{
    /// <summary>Upload media for a student's portfolio (multipart `file`); add it to an item afterwards.</summary>
    [ProducesResponseType<AttachmentUploaded>(StatusCodes.Status201Created)]
    [ProducesProblems(403, 413)]
    [StreamedFile("file")]
    [WolverinePost("/api/students/{studentId}/portfolio/attachments")]
    public static async Task<IResult> Post(Guid studentId, HttpContext http, Caller caller, IDocumentSession session, MediaStore media,
        IMessageBus bus, CancellationToken ct)
    {
        var (viewer, _) = await PortfolioAccess.ViewerAsync(session, caller, studentId, ct);
        if (viewer == PortfolioViewer.None) return Problems.NotFound("student");
        if (viewer == PortfolioViewer.Guardian) return Problems.Forbidden("Only the student and their teachers add to a portfolio.");
        return await UploadAttachmentEndpoint.ReceiveAsync(http, caller, session, media, bus, Guid.Empty, null,
            [.. new[] { caller.UserId, studentId }.Distinct()], ct, m => m.PortfolioStudentId = studentId);
    }
}
