using System.Security.Claims;
using ClassComms.PersonalData;
using ClassComms.Platform;
using Marten;
using Wolverine.Http;

namespace ClassComms.Media;

/// <summary>A pending direct upload: a single-blob, write-only, short-lived SAS into the private quarantine container.</summary>
public sealed class UploadSession
{
    public Guid Id { get; set; }
    public Guid ConversationId { get; set; }
    public Guid UploadedBy { get; set; }
    public Sealed FileName { get; set; } = null!;
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
}

public sealed record RequestUpload(string FileName);

public sealed record UploadGranted(Guid UploadId, Uri UploadUrl, string Method, IReadOnlyDictionary<string, string> Headers, DateTimeOffset ExpiresAt);

/// <summary>
/// Large files (videos) go straight to Blob Storage: the API issues a one-blob SAS, the client PUTs the bytes,
/// then calls complete; the API validates, cleans and encrypts them exactly like an API upload.
/// </summary>
public static class DirectUploadEndpoints
{
    [WolverinePost("/api/conversations/{conversationId}/uploads")]
    public static async Task<IResult> Request(string conversationId, RequestUpload request, ClaimsPrincipal user, IDocumentSession session,
        MediaStore media, PersonalDataVault vault, CancellationToken ct)
    {
        if (!Ids.TryParse(conversationId, "conversationId", out var id, out var bad)) return bad!;
        var validation = new Validation().Require(request.FileName, "fileName", 255);
        if (!validation.IsValid) return validation.ToResult();
        var caller = Caller.Of(user);
        var (conversation, problem) = await UploadAttachmentEndpoint.WritableAsync(session, caller, id, ct);
        if (problem is not null) return problem;

        var uploadId = Guid.CreateVersion7();
        var (url, expires) = media.IssueUploadUrl(uploadId);
        session.Store(new UploadSession
        {
            Id = uploadId,
            ConversationId = id,
            UploadedBy = caller.UserId,
            FileName = await vault.SealForAllAsync(caller.Tenant, [caller.UserId, .. conversation!.SubjectStudents], "upload.file-name", request.FileName.Trim(), ct),
            ExpiresAt = expires,
        });
        return Results.Created($"/api/uploads/{uploadId}",
            new UploadGranted(uploadId, url, "PUT", new Dictionary<string, string> { ["x-ms-blob-type"] = "BlockBlob" }, expires));
    }

    [WolverinePost("/api/uploads/{uploadId}/complete")]
    public static async Task<IResult> Complete(string uploadId, ClaimsPrincipal user, IDocumentSession session, MediaStore media,
        PersonalDataVault vault, TimeProvider clock, CancellationToken ct)
    {
        if (!Ids.TryParse(uploadId, "uploadId", out var id, out var bad)) return bad!;
        var caller = Caller.Of(user);
        var upload = await session.LoadAsync<UploadSession>(id, ct);
        if (upload is null || upload.UploadedBy != caller.UserId) return Problems.NotFound("upload");
        if (upload.CompletedAt is not null) return Problems.Conflict("The upload was already completed.");
        var quarantined = media.Quarantine.GetBlobClient(id.ToString("N"));
        if (clock.GetUtcNow() > upload.ExpiresAt)
        {
            await quarantined.DeleteIfExistsAsync(cancellationToken: ct);
            return Problems.Gone("The upload window has expired; request a new upload.");
        }

        var (conversation, problem) = await UploadAttachmentEndpoint.WritableAsync(session, caller, upload.ConversationId, ct);
        if (problem is not null) return problem;
        if (!await quarantined.ExistsAsync(ct)) return Problems.Invalid("uploadId", "nothing has been uploaded to this upload's URL.");
        var properties = await quarantined.GetPropertiesAsync(cancellationToken: ct);
        if (properties.Value.ContentLength > media.Options.MaxBytes)
        {
            await quarantined.DeleteIfExistsAsync(cancellationToken: ct);
            return Problems.Invalid("file", "is too large.");
        }

        var content = (await quarantined.DownloadContentAsync(ct)).Value.Content.ToArray();
        await quarantined.DeleteIfExistsAsync(cancellationToken: ct);
        var fileName = await vault.UnsealAsync(upload.FileName, ct) ?? "attachment";
        var (stored, ingestProblem) = await media.IngestAsync(caller, upload.ConversationId, [caller.UserId, .. conversation!.SubjectStudents],
            fileName, content, "file", ct);
        upload.CompletedAt = clock.GetUtcNow();
        session.Store(upload);
        if (ingestProblem is not null) return ingestProblem;
        session.Store(stored!);
        return Results.Created($"/api/attachments/{stored!.Id}",
            new AttachmentUploaded(stored.Id, stored.Kind, stored.ContentType, stored.Size, stored.Width, stored.Height));
    }
}
