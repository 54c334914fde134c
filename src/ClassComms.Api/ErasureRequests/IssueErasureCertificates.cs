using System.Net;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ClassComms.Accounts;
using ClassComms.Dpo;
using ClassComms.Media;
using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Privacy;
using ClassComms.Students;
using Marten;
using Wolverine.ErrorHandling;
using Wolverine.Runtime.Handlers;

namespace ClassComms.ErasureRequests;

/// <summary>Cascaded by the erasure workflow once a subject's erasure is complete: issue the certificates of its approved requests. Ids only.</summary>
public sealed record IssueErasureCertificates(Guid SchoolId, Guid SubjectId);

public static class IssueErasureCertificatesHandler
{
    public static void Configure(HandlerChain chain) =>
        chain.OnAnyException().RetryWithCooldown(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5))
            .Then.ScheduleRetry(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(15))
            .Then.MoveToErrorQueue();

    public static Task Handle(IssueErasureCertificates command, ErasureCertificates certificates, CancellationToken ct) =>
        certificates.IssueAsync(command.SchoolId, command.SubjectId, ct);
}

/// <summary>
/// Builds, signs and stores erasure certificates. A certificate is stored beside the erasure ledger (container <c>erasure-ledger</c>,
/// <c>certificates/{school}/{request}.json</c>, written once with <c>If-None-Match: *</c>): it holds no personal data, and like the
/// ledger it is outside the database, so a restore of an older backup does not lose it (and the ledger's immutability policy covers it).
/// </summary>
public sealed class ErasureCertificates(IDocumentStore store, BlobServiceClient blobs, SchoolSigning signing, SubjectKeyStore keys, TimeProvider clock)
{
    public static string BlobName(Guid schoolId, Guid requestId) => $"certificates/{schoolId:N}/{requestId:N}.json";

    private BlobClient Blob(Guid schoolId, Guid requestId) => blobs.GetBlobContainerClient(ErasureLedger.Container).GetBlobClient(BlobName(schoolId, requestId));

    /// <summary>The stored certificate file, or null.</summary>
    public async Task<byte[]?> ReadAsync(Guid schoolId, Guid requestId, CancellationToken ct)
    {
        try
        {
            return (await Blob(schoolId, requestId).DownloadContentAsync(ct)).Value.Content.ToArray();
        }
        catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Issues the certificate of every approved, uncertified request for the subject, once its erasure is complete. Idempotent.</summary>
    public async Task IssueAsync(Guid schoolId, Guid subjectId, CancellationToken ct)
    {
        await using var session = store.LightweightSession(Ids.Tenant(schoolId));
        var erasure = await session.LoadAsync<Erasure>(Erasure.IdFor(subjectId), ct);
        if (erasure?.CompletedAt is null) throw new InvalidOperationException($"The erasure of subject {subjectId} is not complete.");
        var requests = await session.Query<ErasureRequest>()
            .Where(r => r.SubjectId == subjectId && r.ApprovedAt != null && r.CertificateIssuedAt == null)
            .ToListAsync(ct);
        if (requests.Count == 0) return;

        var (erased, kept) = await InventoryAsync(session, erasure, ct);
        foreach (var request in requests)
        {
            var certificate = new ErasureCertificate(ErasureCertificate.FormatName, request.Id, schoolId, request.Id, erasure.Id, request.SubjectKind,
                subjectId, new CertificateParty(request.RequestedBy, request.RequesterRole), request.ReceivedAt, request.Regime, request.DueAt,
                request.Extended, request.ExtensionReason, new CertificateParty(request.DecidedBy!.Value, RequestErasureEndpoint.RoleCode(Role.Dpo)),
                request.ApprovedAt!.Value, erasure.RequestedAt, erasure.LedgerRecordedAt, erasure.KeyDestroyedAt, erasure.BlobsDeletedAt,
                erasure.CompletedAt.Value, erasure.CompletedAt.Value <= request.DueAt, erased, kept, clock.GetUtcNow());
            var bytes = JsonSerializer.SerializeToUtf8Bytes(certificate, JsonSerializerOptions.Web);
            var signature = await signing.SignAsync(schoolId, bytes, ct);
            var file = await StoreOnceAsync(schoolId, request.Id, ErasureCertificateFile.Compose(bytes, signature), ct);
            session.Events.Append(request.Id, new ErasureCertificateIssued(request.Id, ErasureCertificateFile.Sha256Of(file), signature.KeyId, clock.GetUtcNow()));
        }

        await session.SaveChangesAsync(ct);
    }

    /// <summary>
    /// The certificate of a school that left (<see cref="EraseSchoolHandler"/>): every person erased, their keys and the school's destroyed,
    /// its media deleted. Idempotent: a stored certificate is kept.
    /// </summary>
    public async Task IssueForSchoolAsync(Guid schoolId, Guid requestId, IReadOnlyList<(Guid Id, string Kind)> people, int mediaDeleted,
        CancellationToken ct)
    {
        await using var session = store.LightweightSession(Ids.Tenant(schoolId));
        var request = await session.LoadAsync<ErasureRequest>(requestId, ct)
                      ?? throw new InvalidOperationException($"No erasure request {requestId} in school {schoolId}.");
        if (request.CertificateIssuedAt is not null) return;
        var logins = await session.Query<UserAccount>().Where(a => a.SchoolId == schoolId).Select(a => a.LoginId).ToListAsync(ct);
        var subjects = people.Select(p => p.Id).Append(schoolId).Concat(logins).Distinct().ToList();
        var destroyed = (await keys.FindAsync(subjects, ct))
            .Where(r => r.ErasedAt is not null && r.WrappedKey is null)
            .Select(r => r.Subject).Distinct().ToList();
        if (!destroyed.Contains(schoolId)) throw new InvalidOperationException($"The key of school {schoolId} is not destroyed.");

        List<Guid> Of(string kind) => people.Where(p => p.Kind == kind).Select(p => p.Id).ToList();
        var (students, guardians, staff) = (Of(SubjectKinds.Student), Of(SubjectKinds.Guardian), Of(SubjectKinds.Staff));
        var erased = new List<ErasedItem>
        {
            new("students", students.Count, students),
            new("guardians", guardians.Count, guardians),
            new("staff", staff.Count, staff),
            new("subjectKeys", destroyed.Count, destroyed),
            new("schoolKey", 1, [schoolId]),
            new("mediaBlobs", mediaDeleted, []),
        };
        var kept = new List<KeptItem>
        {
            new("erasureLedgerEntries", "legalObligation",
                "One entry per person and one for the school's text (ids only), outside the database, re-applied after any database restore."),
            new("erasureRequestRecords", "legalObligation", "The requests, decisions and certificates: ids, roles, times and reason codes (accountability)."),
            new("signingKey", "legalObligation", "The school's signing key, so its certificates stay verifiable; it holds no personal data."),
            new("sealedHistory", "unreadable", "Events and documents keep ciphertext that no remaining key opens, backups included."),
            new("membershipsElsewhere", "otherController", "A person's membership of another school, and so their login, stays: that school is its controller."),
        };
        var now = clock.GetUtcNow();
        var approver = request.DecidedBy ?? Guid.Empty;
        var certificate = new ErasureCertificate(ErasureCertificate.FormatName, request.Id, schoolId, request.Id, Erasure.IdFor(schoolId),
            SubjectKinds.School, schoolId, new CertificateParty(request.RequestedBy, request.RequesterRole), request.ReceivedAt, request.Regime,
            request.DueAt, request.Extended, request.ExtensionReason,
            new CertificateParty(approver, approver == Guid.Empty ? RequestSchoolErasureEndpoint.Operator : RequestErasureEndpoint.RoleCode(Role.Dpo)),
            request.ApprovedAt ?? now, request.ApprovedAt ?? now, null, null, null, now, now <= request.DueAt, erased, kept, now);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(certificate, JsonSerializerOptions.Web);
        var signature = await signing.SignAsync(schoolId, bytes, ct);
        var file = await StoreOnceAsync(schoolId, request.Id, ErasureCertificateFile.Compose(bytes, signature), ct);
        session.Events.Append(request.Id, new ErasureCertificateIssued(request.Id, ErasureCertificateFile.Sha256Of(file), signature.KeyId, now));
        await session.SaveChangesAsync(ct);
    }

    /// <summary>Writes the file unless one is stored (a retried step); returns the stored one.</summary>
    private async Task<byte[]> StoreOnceAsync(Guid schoolId, Guid requestId, byte[] file, CancellationToken ct)
    {
        var blob = Blob(schoolId, requestId);
        var options = new BlobUploadOptions
        {
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
        };
        try
        {
            await blob.UploadAsync(new BinaryData(file), options, ct);
            return file;
        }
        catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.NotFound && e.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            await blobs.GetBlobContainerClient(ErasureLedger.Container).CreateIfNotExistsAsync(PublicAccessType.None, cancellationToken: ct);
            return await StoreOnceAsync(schoolId, requestId, file, ct);
        }
        catch (RequestFailedException e) when (e.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed)
        {
            return (await blob.DownloadContentAsync(ct)).Value.Content.ToArray();
        }
    }

    /// <summary>What the erasure destroyed (counted and read back now) and what it kept, with the basis for keeping it.</summary>
    private async Task<(IReadOnlyList<ErasedItem>, IReadOnlyList<KeptItem>)> InventoryAsync(IDocumentSession session, Erasure erasure, CancellationToken ct)
    {
        var subject = erasure.SubjectId;
        var keySubjects = new List<Guid> { subject };
        Guid? loginId = null;
        if (erasure.SubjectKind != SubjectKinds.Student && await session.LoadAsync<UserAccount>(subject, ct) is { } membership)
        {
            loginId = membership.LoginId;
            keySubjects.Add(membership.LoginId);
        }

        var destroyed = (await keys.FindAsync(keySubjects, ct))
            .Where(r => r.ErasedAt is not null && r.WrappedKey is null)
            .Select(r => r.Subject).Distinct().ToList();
        var media = erasure.SubjectKind == SubjectKinds.Student
            ? await session.Query<MediaObject>().Where(m => m.Subjects.Contains(subject) && m.DeletedAt != null).Select(m => m.Id).ToListAsync(ct)
            : await session.Query<MediaObject>().Where(m => m.UploadedBy == subject && m.DeletedAt != null).Select(m => m.Id).ToListAsync(ct);

        var erased = new List<ErasedItem>
        {
            new("subjectKeys", destroyed.Count, destroyed),
            new("mediaBlobs", media.Count, media.ToList()),
        };
        var kept = new List<KeptItem>
        {
            new("erasureLedgerEntry", "legalObligation",
                "One entry (ids only) outside the database, re-applied after any database restore so the erasure cannot be undone by it."),
            new("erasureRequestRecord", "legalObligation",
                "The request, its decision and this certificate: ids, roles, times and reason codes (accountability). Free-text notes were sealed under the subject's key and are shredded with it."),
            new("sealedHistory", "unreadable",
                "Events and documents keep the ciphertext of the subject's values; without the destroyed key(s) it cannot be read, backups included."),
        };

        if (erasure.SubjectKind == SubjectKinds.Student)
        {
            var state = await session.Events.FetchStreamStateAsync(subject, ct);
            erased.Add(new ErasedItem("studentRecordEvents", (int)(state?.Version ?? 0), []));
            kept.Add(new KeptItem("classStatistics", "notPersonalData", "Class totals of points, which carry no student id."));
            kept.Add(new KeptItem("othersRecords", "othersData",
                "Other students' and staff members' own records; messages about several students are shredded for this one with its key."));
        }
        else if (erasure.SubjectKind == SubjectKinds.Staff)
        {
            erased.Add(new ErasedItem("login", loginId is { } id && destroyed.Contains(id) ? 1 : 0, []));
            // Free text they wrote is sealed for its author too (messages, story posts, comments, file names): shredded with their key.
            erased.Add(new ErasedItem("messagesWritten",
                await session.Events.QueryRawEventDataOnly<Conversations.MessagePosted>().Where(e => e.SenderId == subject).CountAsync(ct), []));
            erased.Add(new ErasedItem("storyPostsWritten",
                await session.Events.QueryRawEventDataOnly<Stories.StoryPostPublished>().Where(e => e.AuthorId == subject).CountAsync(ct), []));
            kept.Add(new KeptItem("pointsAwarded", "schoolRecord",
                "Points they awarded stay in the students' records (skill, value, time; a note is sealed for the student); the author appears by id only, their name is shredded."));
            kept.Add(new KeptItem("classesAndSkills", "schoolRecord", "Class and skill names they typed are the school's text, sealed under the school's key."));
            kept.Add(new KeptItem("othersMessages", "othersData", "Other people's messages in their threads stay readable to them."));
            kept.Add(new KeptItem("membershipsElsewhere", "otherController",
                "A membership of another school, and so the login, stays: that school is its controller."));
        }
        else
        {
            var links = await session.Events.QueryRawEventDataOnly<GuardianUnlinked>().Where(e => e.GuardianId == subject).CountAsync(ct);
            erased.Add(new ErasedItem("guardianLinks", links, []));
            erased.Add(new ErasedItem("messagesWritten",
                await session.Events.QueryRawEventDataOnly<Conversations.MessagePosted>().Where(e => e.SenderId == subject).CountAsync(ct), []));
            erased.Add(new ErasedItem("login", loginId is { } id && destroyed.Contains(id) ? 1 : 0, []));
            kept.Add(new KeptItem("othersMessages", "othersData",
                "Messages of other people in shared threads stay readable to them; the subject appears there by id only (\"an erased user\")."));
            kept.Add(new KeptItem("membershipsElsewhere", "otherController",
                "A membership of another school, and so the login, stays: that school is its controller."));
        }

        return (erased, kept);
    }
}
