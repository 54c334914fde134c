using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Students;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace ClassComms.Portfolios;

public sealed record CommentOnPortfolioItem(string? Text);

public sealed record PortfolioCommentAccepted(Guid CommentId, Guid ItemId, Guid StudentId, long Cursor);

/// <summary>
/// A teacher of the student's class (or a leader) comments on an item, and the student replies; the text is sealed for the
/// student, bound to the comment. Guardians read comments on approved items but do not write them (403).
/// </summary>
public static class CommentOnPortfolioItemEndpoint
{
    public const int MaxLength = 2_000;
    public const int MaxComments = 500;

    /// <summary>Comment on a portfolio item (teachers), or reply (the student).</summary>
    [ProducesResponseType<PortfolioCommentAccepted>(StatusCodes.Status201Created)]
    [ProducesProblems(403, 409)]
    [WolverinePost("/api/students/{studentId}/portfolio/{itemId}/comments")]
    public static async Task<(IResult, OutgoingMessages)> Post(Guid studentId, Guid itemId, CommentOnPortfolioItem request, Caller caller,
        IDocumentSession session, PersonalDataVault vault, TimeProvider clock, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Text)) return (Problems.Invalid("text", "is required."), []);
        if (request.Text.Length > MaxLength) return (Problems.Invalid("text", $"must be at most {MaxLength} characters."), []);
        var (viewer, access) = await PortfolioAccess.ViewerAsync(session, caller, studentId, ct);
        var item = viewer == PortfolioViewer.None ? null : await session.LoadAsync<PortfolioItem>(itemId, ct);
        if (item is null || item.StudentId != studentId || !PortfolioAccess.Sees(viewer, access, item)) return (Problems.NotFound("portfolio item"), []);
        if (viewer == PortfolioViewer.Guardian) return (Problems.Forbidden("Teachers comment and the student replies; guardians read."), []);
        if (item.Comments.Count >= MaxComments) return (Problems.Conflict($"The item has the most comments it can hold ({MaxComments})."), []);

        var stream = await session.Events.FetchForExclusiveWriting<Student>(studentId, ct);
        if (stream.Aggregate is not { Erased: false }) return (Problems.NotFound("portfolio item"), []);
        var commentId = Guid.CreateVersion7();
        var text = await vault.SealAsync(caller.Tenant, studentId, "portfolio.comment", commentId.ToString(), request.Text.Trim(), ct);
        var role = viewer == PortfolioViewer.Student ? PortfolioRoles.Student : PortfolioRoles.Staff;
        stream.AppendOne(new PortfolioCommentAdded(studentId, caller.UserId, itemId, commentId, role, text, clock.GetUtcNow()));
        return (Results.Created($"/api/students/{studentId}/portfolio/{itemId}", new PortfolioCommentAccepted(commentId, itemId, studentId,
                stream.CurrentVersion ?? 0)),
            new OutgoingMessages { new PortfolioChanged(caller.SchoolId, studentId, itemId, commentId, PortfolioChanges.Commented) });
    }
}
