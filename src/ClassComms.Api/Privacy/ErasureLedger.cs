using System.Net;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace ClassComms.Privacy;

/// <summary>One erasure, with no personal data: re-applied after any database restore.</summary>
public sealed record ErasureRecord(Guid SubjectId, string SubjectKind, Guid SchoolId, Guid RequestedBy, DateTimeOffset At);

/// <summary>
/// Append-only erasure ledger kept outside the database (Blob Storage), so that restoring a database backup
/// taken before an erasure is followed by re-applying every erasure recorded since (<see cref="ErasureReapplication"/>).
/// One entry per subject, under a name derived from the school and subject only: an entry is written once
/// (<c>If-None-Match: *</c>) and never overwritten; a retried step finds it already there. In production the
/// container also carries a time-based immutability policy (see the README), so not even the service can delete it.
/// </summary>
public sealed class ErasureLedger(BlobServiceClient blobs)
{
    public const string Container = "erasure-ledger";

    public static string EntryName(Guid schoolId, Guid subjectId) => $"{schoolId:N}/{subjectId:N}.json";

    private BlobContainerClient Entries => blobs.GetBlobContainerClient(Container);

    public Task EnsureContainerAsync(CancellationToken ct) => Entries.CreateIfNotExistsAsync(PublicAccessType.None, cancellationToken: ct);

    /// <summary>Writes the entry unless one exists for the subject; returns the entry that is in the ledger (the first one written).</summary>
    public async Task<ErasureRecord> RecordAsync(ErasureRecord record, CancellationToken ct)
    {
        var blob = Entries.GetBlobClient(EntryName(record.SchoolId, record.SubjectId));
        var options = new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } };
        try
        {
            await blob.UploadAsync(BinaryData.FromObjectAsJson(record, JsonSerializerOptions.Web), options, ct);
            return record;
        }
        catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.NotFound && e.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            await EnsureContainerAsync(ct);
            return await RecordAsync(record, ct);
        }
        catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.Conflict || e.Status == (int)HttpStatusCode.PreconditionFailed)
        {
            var existing = await ReadEntryAsync(blob, ct);
            if (existing.SubjectId != record.SubjectId || existing.SchoolId != record.SchoolId)
            {
                throw new InvalidOperationException($"The ledger entry {blob.Name} does not describe the subject it is named after.");
            }

            return existing;
        }
    }

    /// <summary>Every entry of a school (entries written before names were per subject included).</summary>
    public async Task<IReadOnlyList<ErasureRecord>> ReadAsync(Guid schoolId, CancellationToken ct)
    {
        if (!await Entries.ExistsAsync(ct)) return [];
        var records = new List<ErasureRecord>();
        await foreach (var item in Entries.GetBlobsAsync(new GetBlobsOptions { Prefix = $"{schoolId:N}/" }, ct))
        {
            var record = await ReadEntryAsync(Entries.GetBlobClient(item.Name), ct);
            if (record.SchoolId == schoolId) records.Add(record);
        }

        return records;
    }

    private static async Task<ErasureRecord> ReadEntryAsync(BlobClient blob, CancellationToken ct)
    {
        var content = await blob.DownloadContentAsync(ct);
        return content.Value.Content.ToObjectFromJson<ErasureRecord>(JsonSerializerOptions.Web)
               ?? throw new InvalidOperationException($"The ledger entry {blob.Name} is empty.");
    }
}
