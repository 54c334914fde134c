using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Students;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace ClassComms.Portfolios;

public sealed record EditPortfolioComment(string? Text);

public sealed record PortfolioCommentChanged(Guid CommentId, Guid ItemId, Guid StudentId, long Cursor);

/// <summary>
/// The author of a portfolio comment (the teacher who wrote it, or the student who replied) replaces its text, sealed for the student
/// and bound to the comment as before. Someone who sees the comment but did not write it (another teacher, a leader, the student,
/// a guardian): 403; someone who does not see the item (another student, another class's teacher, the DPO): 404. Nothing is stored on a
/// 4xx. The item moves to the portfolio's next position (catch-up returns it with the new text) and the change is pushed as
/// <c>commentEdited</c> to those who see the item.
/// </summary>
public static class EditPortfolioCommentEndpoint
{
    /// <summary>Edit your own comment on a portfolio item.</summary>
    [ProducesResponseType<PortfolioCommentChanged>(StatusCodes.Status200OK)]
    [ProducesProblems(403)]
    [WolverinePut("/api/students/{studentId}/portfolio/{itemId}/comments/{commentId}")]
    public static async Task<(IResult, OutgoingMessages)> Put(Guid studentId, Guid itemId, Guid commentId, EditPortfolioComment request, Caller caller,
        IDocumentSession session, PersonalDataVault vault, TimeProvider clock, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Text)) return (Problems.Invalid("text", "is required."), []);
        if (request.Text.Length > CommentOnPortfolioItemEndpoint.MaxLength)
        {
            return (Problems.Invalid("text", $"must be at most {CommentOnPortfolioItemEndpoint.MaxLength} characters."), []);
        }

        var (problem, stream) = await OwnCommentAsync(session, caller, studentId, itemId, commentId, ct);
        if (problem is not null) return (problem, []);
        var at = clock.GetUtcNow();
        var text = await vault.SealAsync(caller.Tenant, studentId, "portfolio.comment", commentId.ToString(), request.Text.Trim(), ct);
        stream!.AppendOne(new PortfolioCommentEdited(studentId, caller.UserId, itemId, commentId, text, at));
        return (Results.Ok(new PortfolioCommentChanged(commentId, itemId, studentId, stream.CurrentVersion ?? 0)),
            new OutgoingMessages { new PortfolioChanged(caller.SchoolId, studentId, itemId, commentId, PortfolioChanges.CommentEdited, at) });
    }

    /// <summary>
    /// The decision shared by editing and deleting a comment: 404 unless the caller sees the item and the comment is on it, 403 unless they
    /// wrote it; then the student's stream, locked, with the comment read again under the lock (a deletion that committed meanwhile: 404).
    /// </summary>
    public static async Task<(IResult? Problem, IEventStream<Student>? Stream)> OwnCommentAsync(IDocumentSession session, Caller caller,
        Guid studentId, Guid itemId, Guid commentId, CancellationToken ct)
    {
        var (viewer, access) = await PortfolioAccess.ViewerAsync(session, caller, studentId, ct);
        var item = viewer == PortfolioViewer.None ? null : await session.LoadAsync<PortfolioItem>(itemId, ct);
        if (item is null || item.StudentId != studentId || !PortfolioAccess.Sees(viewer, access, item)) return (Problems.NotFound("portfolio item"), null);
        var comment = item.Comments.FirstOrDefault(c => c.CommentId == commentId);
        if (comment is null) return (Problems.NotFound("portfolio comment"), null);
        if (Refusal(caller, comment) is { } refused) return (refused, null);

        var stream = await session.Events.FetchForExclusiveWriting<Student>(studentId, ct);
        if (stream.Aggregate is not { Erased: false }) return (Problems.NotFound("portfolio item"), null);
        var current = await session.LoadAsync<PortfolioItem>(itemId, ct);
        if (current is not { Deleted: false } || current.Comments.All(c => c.CommentId != commentId)) return (Problems.NotFound("portfolio comment"), null);
        return (null, stream);
    }

    /// <summary>Only the comment's author changes it (pure).</summary>
    public static IResult? Refusal(Caller caller, PortfolioComment comment) =>
        comment.AuthorId == caller.UserId ? null : Problems.Forbidden("Only the comment's author edits or deletes it.");
}
