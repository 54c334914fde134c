using ClassComms.Media;
using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Students;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace ClassComms.Portfolios;

/// <summary><c>Kind</c>: photo, video, journal, drawing or file. A journal is <c>text</c>; the others carry an uploaded <c>attachmentId</c> and an optional caption.</summary>
public sealed record AddPortfolioItem(string? Kind, string? Text, Guid? AttachmentId);

public sealed record PortfolioItemAccepted(Guid ItemId, Guid StudentId, bool Approved, long Cursor);

/// <summary>A portfolio change to push once committed: ids only.</summary>
public sealed record PortfolioChanged(Guid SchoolId, Guid StudentId, Guid ItemId, Guid? CommentId, string Change, DateTimeOffset? At = null);

public static class PortfolioChanges
{
    public const string Added = "added";
    public const string Approved = "approved";
    public const string Commented = "commented";
    public const string Edited = "edited";
    public const string Rejected = "rejected";
    public const string Deleted = "deleted";
    public const string CommentEdited = "commentEdited";
    public const string CommentDeleted = "commentDeleted";
}

/// <summary>
/// The student adds an item to their own portfolio (it waits for a teacher's approval before guardians see it), or a teacher of
/// the student's class or a leader adds one (approved at once). Text is sealed for the student, bound to the item. Media is
/// uploaded first (<see cref="UploadPortfolioMediaEndpoint"/>) and claimed here: the uploader's, for this student, not claimed yet.
/// </summary>
public static class AddPortfolioItemEndpoint
{
    public const int MaxJournalLength = 10_000;
    public const int MaxCaptionLength = 2_000;

    /// <summary>Add an item to a student's portfolio (the student's own wait for approval).</summary>
    [ProducesResponseType<PortfolioItemAccepted>(StatusCodes.Status201Created)]
    [ProducesProblems(403, 409)]
    [WolverinePost("/api/students/{studentId}/portfolio")]
    public static async Task<(IResult, OutgoingMessages)> Post(Guid studentId, AddPortfolioItem request, Caller caller, IDocumentSession session,
        PersonalDataVault vault, TimeProvider clock, CancellationToken ct)
    {
        if (RequestProblem(request) is { } invalid) return (invalid, []);
        var (viewer, _) = await PortfolioAccess.ViewerAsync(session, caller, studentId, ct);
        if (viewer == PortfolioViewer.None) return (Problems.NotFound("student"), []);
        if (viewer == PortfolioViewer.Guardian) return (Problems.Forbidden("Only the student and their teachers add to a portfolio."), []);

        var itemId = Guid.CreateVersion7();
        MediaObject? media = null;
        if (request.AttachmentId is { } attachmentId)
        {
            await AttachmentLocks.SerialiseAsync(session, [attachmentId], ct);
            media = await session.LoadAsync<MediaObject>(attachmentId, ct);
            if (media is null || media.UploadedBy != caller.UserId || media.PortfolioStudentId != studentId || media.DeletedAt is not null)
            {
                return (Problems.Invalid("attachmentId", "is not an upload of yours for this portfolio."), []);
            }

            if (media.PortfolioItemId is not null) return (Problems.Conflict("The attachment was already added to another item."), []);
            if (media.Kind != PortfolioKinds.MediaKindOf(request.Kind!))
            {
                return (Problems.Invalid("attachmentId", $"must be a {PortfolioKinds.MediaKindOf(request.Kind!)} for a {request.Kind} item."), []);
            }
        }

        var stream = await session.Events.FetchForExclusiveWriting<Student>(studentId, ct);
        if (stream.Aggregate is not { Erased: false } student) return (Problems.NotFound("student"), []);

        var text = string.IsNullOrWhiteSpace(request.Text) ? null : request.Text.Trim();
        var sealedText = text is null ? null : await vault.SealAsync(caller.Tenant, studentId, "portfolio.text", itemId.ToString(), text, ct);
        if (media is not null)
        {
            media.PortfolioItemId = itemId;
            session.Store(media);
        }

        var approved = viewer == PortfolioViewer.Staff;
        var role = viewer == PortfolioViewer.Student ? PortfolioRoles.Student : PortfolioRoles.Staff;
        stream.AppendOne(new PortfolioItemAdded(studentId, caller.UserId, itemId, student.ClassId, role, request.Kind!, sealedText, media?.ToRef(),
            approved, clock.GetUtcNow()));
        var cursor = stream.CurrentVersion ?? 0; // counts the appended event: the version this request commits
        return (Results.Created($"/api/students/{studentId}/portfolio/{itemId}", new PortfolioItemAccepted(itemId, studentId, approved, cursor)),
            new OutgoingMessages { new PortfolioChanged(caller.SchoolId, studentId, itemId, null, PortfolioChanges.Added) });
    }

    /// <summary>The request alone: a 400 naming each invalid field, or null.</summary>
    public static IResult? RequestProblem(AddPortfolioItem request)
    {
        var validation = new Validation();
        if (string.IsNullOrWhiteSpace(request.Kind)) validation.Add("kind", "is required.");
        else if (!PortfolioKinds.All.Contains(request.Kind)) validation.Add("kind", "must be photo, video, journal, drawing or file.");
        else if (request.Kind == PortfolioKinds.Journal)
        {
            if (string.IsNullOrWhiteSpace(request.Text)) validation.Add("text", "is required for a journal entry.");
            else validation.Optional(request.Text, "text", MaxJournalLength);
            if (request.AttachmentId is not null) validation.Add("attachmentId", "must be empty for a journal entry.");
        }
        else
        {
            validation.Optional(request.Text, "text", MaxCaptionLength);
            if (request.AttachmentId is null || request.AttachmentId == Guid.Empty) validation.Add("attachmentId", $"is required for a {request.Kind} item.");
        }

        return validation.IsValid ? null : validation.ToResult();
    }
}
