using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Students;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace ClassComms.Portfolios;

/// <summary>An optional reason, shown to the student (sealed for the student).</summary>
public sealed record RejectPortfolioItem(string? Reason);

public sealed record PortfolioItemRejectedResponse(Guid ItemId, Guid StudentId, long Cursor);

/// <summary>
/// The teacher of the student's class (or a leader) rejects an item the student added and that waits for approval, with an
/// optional reason for the student. Guardians never see it; the student sees it rejected with the reason, and may edit it (back to
/// pending) or delete it. Another class's teacher, another student or a guardian: 404; the student: 403; approved or already
/// rejected: 409.
/// </summary>
public static class RejectPortfolioItemEndpoint
{
    public const int MaxReasonLength = 1_000;

    /// <summary>Reject a student's pending portfolio item.</summary>
    [ProducesResponseType<PortfolioItemRejectedResponse>(StatusCodes.Status200OK)]
    [ProducesProblems(403, 409)]
    [WolverinePost("/api/students/{studentId}/portfolio/{itemId}/rejection")]
    public static async Task<(IResult, OutgoingMessages)> Post(Guid studentId, Guid itemId, RejectPortfolioItem request, Caller caller,
        IDocumentSession session, PersonalDataVault vault, TimeProvider clock, CancellationToken ct)
    {
        if (request.Reason is { Length: > MaxReasonLength }) return (Problems.Invalid("reason", $"must be at most {MaxReasonLength} characters."), []);
        var (viewer, access) = await PortfolioAccess.ViewerAsync(session, caller, studentId, ct);
        var item = viewer == PortfolioViewer.None ? null : await session.LoadAsync<PortfolioItem>(itemId, ct);
        if (item is null || item.StudentId != studentId || !PortfolioAccess.Sees(viewer, access, item)) return (Problems.NotFound("portfolio item"), []);
        if (viewer != PortfolioViewer.Staff) return (Problems.Forbidden("Only the student's teachers reject portfolio items."), []);
        if (item.AuthorRole != PortfolioRoles.Student || item.Approved) return (Problems.Conflict("Only a student's item waiting for approval can be rejected."), []);
        if (item.Rejected) return (Problems.Conflict("The item is already rejected."), []);

        var stream = await session.Events.FetchForExclusiveWriting<Student>(studentId, ct);
        if (stream.Aggregate is not { Erased: false }) return (Problems.NotFound("portfolio item"), []);
        // Read again under the student's lock: a change that committed meanwhile decides.
        if (await session.LoadAsync<PortfolioItem>(itemId, ct) is not { Deleted: false } current) return (Problems.NotFound("portfolio item"), []);
        if (current.Approved || current.Rejected) return (Problems.Conflict("The item changed meanwhile; read it again."), []);
        var reason = string.IsNullOrWhiteSpace(request.Reason) ? null
            : await vault.SealAsync(caller.Tenant, studentId, "portfolio.rejection", itemId.ToString(), request.Reason.Trim(), ct);
        stream.AppendOne(new PortfolioItemRejected(studentId, caller.UserId, itemId, reason, clock.GetUtcNow()));
        return (Results.Ok(new PortfolioItemRejectedResponse(itemId, studentId, stream.CurrentVersion ?? 0)),
            new OutgoingMessages { new PortfolioChanged(caller.SchoolId, studentId, itemId, null, PortfolioChanges.Rejected) });
    }
}
