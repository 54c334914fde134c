using ClassComms.Platform;
using ClassComms.Students;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace ClassComms.Portfolios;

public sealed record PortfolioItemApprovedResponse(Guid ItemId, Guid StudentId, long Cursor);

/// <summary>
/// The teacher of the student's class (or a leader) approves an item the student added; from then on the student's guardians
/// (while portfolio-sharing consent stands) see it and are told. Another class's teacher gets 404; an approved item, 409.
/// </summary>
public static class ApprovePortfolioItemEndpoint
{
    /// <summary>Approve a student's portfolio item so their guardians may see it.</summary>
    [ProducesResponseType<PortfolioItemApprovedResponse>(StatusCodes.Status200OK)]
    [ProducesProblems(403, 409)]
    [WolverinePost("/api/students/{studentId}/portfolio/{itemId}/approval")]
    public static async Task<(IResult, OutgoingMessages)> Post(Guid studentId, Guid itemId, Caller caller, IDocumentSession session,
        TimeProvider clock, CancellationToken ct)
    {
        var (viewer, _) = await PortfolioAccess.ViewerAsync(session, caller, studentId, ct);
        if (viewer == PortfolioViewer.None) return (Problems.NotFound("portfolio item"), []);
        if (viewer != PortfolioViewer.Staff) return (Problems.Forbidden("Only the student's teachers approve portfolio items."), []);

        var stream = await session.Events.FetchForExclusiveWriting<Student>(studentId, ct);
        var item = await session.LoadAsync<PortfolioItem>(itemId, ct);
        if (stream.Aggregate is not { Erased: false } || item is null || item.StudentId != studentId || item.Deleted) return (Problems.NotFound("portfolio item"), []);
        if (item.Approved) return (Problems.Conflict("The item is already approved."), []);

        stream.AppendOne(new PortfolioItemApproved(studentId, caller.UserId, itemId, clock.GetUtcNow()));
        return (Results.Ok(new PortfolioItemApprovedResponse(itemId, studentId, stream.CurrentVersion ?? 0)),
            new OutgoingMessages { new PortfolioChanged(caller.SchoolId, studentId, itemId, null, PortfolioChanges.Approved) });
    }
}
