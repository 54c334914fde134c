using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Students;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace ClassComms.Portfolios;

/// <summary>The item's new text: a journal's (required) or a caption (empty removes it).</summary>
public sealed record EditPortfolioItem(string? Text);

public sealed record PortfolioItemEditedResponse(Guid ItemId, Guid StudentId, bool Approved, long Cursor);

/// <summary>
/// The author side edits an item's text: the student their own item until it is approved (a rejected one goes back to pending, for
/// the teacher to look at again); a teacher of the class or a leader an item added by staff. A student's approved item is changed
/// only by deleting it (a teacher), so guardians never see text the teacher did not approve. Media is not replaced (delete and add).
/// </summary>
public static class EditPortfolioItemEndpoint
{
    /// <summary>Edit a portfolio item's text (journal text or caption).</summary>
    [ProducesResponseType<PortfolioItemEditedResponse>(StatusCodes.Status200OK)]
    [ProducesProblems(403, 409)]
    [WolverinePut("/api/students/{studentId}/portfolio/{itemId}")]
    public static async Task<(IResult, OutgoingMessages)> Put(Guid studentId, Guid itemId, EditPortfolioItem request, Caller caller,
        IDocumentSession session, PersonalDataVault vault, TimeProvider clock, CancellationToken ct)
    {
        var (viewer, access) = await PortfolioAccess.ViewerAsync(session, caller, studentId, ct);
        var item = viewer == PortfolioViewer.None ? null : await session.LoadAsync<PortfolioItem>(itemId, ct);
        if (item is null || item.StudentId != studentId || !PortfolioAccess.Sees(viewer, access, item)) return (Problems.NotFound("portfolio item"), []);
        if (RequestProblem(request, item.Kind) is { } invalid) return (invalid, []);
        if (Refusal(viewer, item) is { } refused) return (refused, []);

        var stream = await session.Events.FetchForExclusiveWriting<Student>(studentId, ct);
        if (stream.Aggregate is not { Erased: false }) return (Problems.NotFound("portfolio item"), []);
        // Read again under the student's lock: a change that committed meanwhile decides.
        if (await session.LoadAsync<PortfolioItem>(itemId, ct) is not { Deleted: false } current) return (Problems.NotFound("portfolio item"), []);
        if (Refusal(viewer, current) is not null) return (Problems.Conflict("The item changed meanwhile; read it again."), []);
        var text = string.IsNullOrWhiteSpace(request.Text) ? null : request.Text.Trim();
        var sealedText = text is null ? null : await vault.SealAsync(caller.Tenant, studentId, "portfolio.text", itemId.ToString(), text, ct);
        stream.AppendOne(new PortfolioItemEdited(studentId, caller.UserId, itemId, sealedText, clock.GetUtcNow()));
        return (Results.Ok(new PortfolioItemEditedResponse(itemId, studentId, item.Approved, stream.CurrentVersion ?? 0)),
            new OutgoingMessages { new PortfolioChanged(caller.SchoolId, studentId, itemId, null, PortfolioChanges.Edited) });
    }

    /// <summary>Who may edit this item: a 403/409 or null (pure).</summary>
    public static IResult? Refusal(PortfolioViewer viewer, PortfolioItem item) => viewer switch
    {
        PortfolioViewer.Guardian => Problems.Forbidden("Guardians read portfolios; they do not change them."),
        PortfolioViewer.Student when item.AuthorRole != PortfolioRoles.Student => Problems.Forbidden("A teacher's item is changed by the teachers."),
        PortfolioViewer.Student when item.Approved => Problems.Conflict("The item is approved; ask your teacher to remove it and add a new one."),
        PortfolioViewer.Staff when item.AuthorRole != PortfolioRoles.Staff => Problems.Forbidden("A student's item is the student's: comment on it, or reject or delete it."),
        _ => null,
    };

    public static IResult? RequestProblem(EditPortfolioItem request, string kind)
    {
        var validation = new Validation();
        if (kind == PortfolioKinds.Journal)
        {
            if (string.IsNullOrWhiteSpace(request.Text)) validation.Add("text", "is required for a journal entry.");
            else validation.Optional(request.Text, "text", AddPortfolioItemEndpoint.MaxJournalLength);
        }
        else validation.Optional(request.Text, "text", AddPortfolioItemEndpoint.MaxCaptionLength);

        return validation.IsValid ? null : validation.ToResult();
    }
}
