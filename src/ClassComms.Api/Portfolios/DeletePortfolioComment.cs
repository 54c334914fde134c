using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace ClassComms.Portfolios;

/// <summary>
/// The author of a portfolio comment deletes it (<see cref="PortfolioCommentDeleted"/>, 204): it leaves every view at the commit, the item
/// moves to the portfolio's next position (catch-up returns it without the comment) and <c>commentDeleted</c> is pushed to those who see
/// the item. Refusals as for an edit (<see cref="EditPortfolioCommentEndpoint.OwnCommentAsync"/>): 403 for someone who sees it but did
/// not write it, 404 otherwise; nothing stored on a 4xx. Its sealed text stays in its events until the student is erased.
/// </summary>
public static class DeletePortfolioCommentEndpoint
{
    /// <summary>Delete your own comment on a portfolio item.</summary>
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesProblems(403)]
    [WolverineDelete("/api/students/{studentId}/portfolio/{itemId}/comments/{commentId}")]
    public static async Task<(IResult, OutgoingMessages)> Delete(Guid studentId, Guid itemId, Guid commentId, Caller caller, IDocumentSession session,
        TimeProvider clock, CancellationToken ct)
    {
        var (problem, stream) = await EditPortfolioCommentEndpoint.OwnCommentAsync(session, caller, studentId, itemId, commentId, ct);
        if (problem is not null) return (problem, []);
        var at = clock.GetUtcNow();
        stream!.AppendOne(new PortfolioCommentDeleted(studentId, caller.UserId, itemId, commentId, at));
        return (Results.NoContent(),
            new OutgoingMessages { new PortfolioChanged(caller.SchoolId, studentId, itemId, commentId, PortfolioChanges.CommentDeleted, at) });
    }
}
