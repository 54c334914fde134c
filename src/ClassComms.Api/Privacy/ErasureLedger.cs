using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace ClassComms.Privacy;

/// <summary>One erasure, with no personal data: re-applied after any database restore.</summary>
public sealed record ErasureRecord(Guid SubjectId, string SubjectKind, Guid SchoolId, Guid RequestedBy, DateTimeOffset At);

/// <summary>
/// Append-only erasure ledger kept outside the database (Blob Storage), so that restoring a database backup
/// taken before an erasure can be followed by re-applying every erasure recorded since.
/// </summary>
public sealed class ErasureLedger(BlobServiceClient blobs)
{
    public const string Container = "erasure-ledger";

    public async Task RecordAsync(ErasureRecord record, CancellationToken ct)
    {
        var container = blobs.GetBlobContainerClient(Container);
        await container.CreateIfNotExistsAsync(PublicAccessType.None, cancellationToken: ct);
        var blob = container.GetBlobClient($"{record.SchoolId:N}/{record.At:yyyyMMddTHHmmssfffffff}-{record.SubjectId:N}.json");
        await blob.UploadAsync(BinaryData.FromObjectAsJson(record, JsonSerializerOptions.Web), overwrite: true, ct);
    }

    public async Task<IReadOnlyList<ErasureRecord>> ReadAsync(Guid schoolId, CancellationToken ct)
    {
        var container = blobs.GetBlobContainerClient(Container);
        if (!await container.ExistsAsync(ct)) return [];
        var records = new List<ErasureRecord>();
        await foreach (var item in container.GetBlobsAsync(new GetBlobsOptions { Prefix = $"{schoolId:N}/" }, ct))
        {
            var content = await container.GetBlobClient(item.Name).DownloadContentAsync(ct);
            records.Add(content.Value.Content.ToObjectFromJson<ErasureRecord>(JsonSerializerOptions.Web)!);
        }

        return records;
    }
}
