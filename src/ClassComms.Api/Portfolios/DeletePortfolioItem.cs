using ClassComms.Media;
using ClassComms.Platform;
using ClassComms.Students;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace ClassComms.Portfolios;

/// <summary>Deletes a deleted portfolio item's media blob and document after the commit (ids only).</summary>
public sealed record DeletePortfolioMedia(Guid SchoolId, Guid AttachmentId);

/// <summary>
/// Deletes an item: the student their own item until it is approved; a teacher of the class or a leader any item of the
/// portfolio. The item leaves every view at the commit (a tombstone keeps its place in the cursor sequence, so readers catching up
/// learn of it), its media is marked deleted in the same transaction (downloads 404) and its blob deleted after the commit.
/// </summary>
public static class DeletePortfolioItemEndpoint
{
    /// <summary>Delete a portfolio item, its comments and its media.</summary>
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesProblems(403, 409)]
    [WolverineDelete("/api/students/{studentId}/portfolio/{itemId}")]
    public static async Task<(IResult, OutgoingMessages)> Delete(Guid studentId, Guid itemId, Caller caller, IDocumentSession session,
        TimeProvider clock, CancellationToken ct)
    {
        var (viewer, access) = await PortfolioAccess.ViewerAsync(session, caller, studentId, ct);
        var item = viewer == PortfolioViewer.None ? null : await session.LoadAsync<PortfolioItem>(itemId, ct);
        if (item is null || item.StudentId != studentId || !PortfolioAccess.Sees(viewer, access, item)) return (Problems.NotFound("portfolio item"), []);
        if (Refusal(viewer, item) is { } refused) return (refused, []);

        // The attachment's lock first, then the student's stream, in the order adding an item takes them; nothing is staged
        // before the last refusal.
        if (item.Attachment is { } attachment) await AttachmentLocks.SerialiseAsync(session, [attachment.AttachmentId], ct);
        var stream = await session.Events.FetchForExclusiveWriting<Student>(studentId, ct);
        if (stream.Aggregate is not { Erased: false }) return (Problems.NotFound("portfolio item"), []);
        // Read again under the student's lock: a change that committed meanwhile decides.
        if (await session.LoadAsync<PortfolioItem>(itemId, ct) is not { Deleted: false } current) return (Problems.NotFound("portfolio item"), []);
        if (Refusal(viewer, current) is not null) return (Problems.Conflict("The item changed meanwhile; read it again."), []);

        var at = clock.GetUtcNow();
        var messages = new OutgoingMessages { new PortfolioChanged(caller.SchoolId, studentId, itemId, null, PortfolioChanges.Deleted) };
        if (item.Attachment is not null && await session.LoadAsync<MediaObject>(item.Attachment.AttachmentId, ct) is { } media)
        {
            media.DeletedAt ??= at;
            session.Store(media);
            messages.Add(new DeletePortfolioMedia(caller.SchoolId, media.Id));
        }

        stream.AppendOne(new PortfolioItemDeleted(studentId, caller.UserId, itemId, at));
        return (Results.NoContent(), messages);
    }

    /// <summary>Who may delete this item: a 403/409 or null (pure).</summary>
    public static IResult? Refusal(PortfolioViewer viewer, PortfolioItem item) => viewer switch
    {
        PortfolioViewer.Guardian => Problems.Forbidden("Guardians read portfolios; they do not change them."),
        PortfolioViewer.Student when item.AuthorRole != PortfolioRoles.Student => Problems.Forbidden("A teacher's item is removed by the teachers."),
        PortfolioViewer.Student when item.Approved => Problems.Conflict("The item is approved; ask your teacher to remove it."),
        _ => null,
    };
}

public static class DeletePortfolioMediaHandler
{
    public static async Task Handle(DeletePortfolioMedia command, IDocumentStore store, MediaStore media, CancellationToken ct)
    {
        await using var session = store.LightweightSession(Ids.Tenant(command.SchoolId));
        if (await session.LoadAsync<MediaObject>(command.AttachmentId, ct) is not { DeletedAt: not null } item) return;
        await media.DeleteAsync(item, ct);
        session.Delete<MediaObject>(item.Id);
        await session.SaveChangesAsync(ct);
    }
}
