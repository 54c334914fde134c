using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using ClassComms.Media;
using ClassComms.PersonalData;
using ClassComms.Platform;
using Marten;

namespace ClassComms.Exports;

/// <summary>
/// Export ZIPs in Blob Storage, never in plaintext: encrypted while they stream in (the segmented AES-GCM of media, under a random
/// content key sealed for the data subject) and decrypted while they stream out, segment by segment. Erasing the subject destroys
/// that key; the blobs are deleted as well (<see cref="ShredForSubjectAsync"/>, a step of the erasure).
/// </summary>
public sealed class ExportStore(BlobServiceClient blobs, PersonalDataVault vault, IDocumentStore store, TimeProvider clock)
{
    public const string Container = "exports";
    private const string KeyField = "export.content-key";
    private const int BlockSize = 4 * 1024 * 1024;

    public BlobContainerClient Exports => blobs.GetBlobContainerClient(Container);

    /// <summary>Every blob of an export (one per build attempt) lives under this prefix.</summary>
    public static string Prefix(Guid schoolId, Guid exportId) => $"{schoolId:N}/{exportId:N}/";

    private static string AssociatedData(Guid exportId) => $"classcomms/export/v1|{exportId:N}";

    /// <summary>
    /// Opens a new blob of the export (one per build attempt) and returns the stream the ZIP is written into: encrypted as it is written, so
    /// the plaintext never touches a disk. <see cref="ExportUpload.FinishAsync"/> commits it and seals its content key for the subject; an
    /// upload disposed unfinished deletes its blob.
    /// </summary>
    public async Task<ExportUpload> StartUploadAsync(string tenant, Guid schoolId, SubjectExport export, CancellationToken ct)
    {
        await Exports.CreateIfNotExistsAsync(PublicAccessType.None, cancellationToken: ct);
        var key = ContentCipher.NewKey();
        var blob = Exports.GetBlockBlobClient($"{Prefix(schoolId, export.Id)}{Guid.CreateVersion7():N}");
        var write = await blob.OpenWriteAsync(overwrite: true, new BlockBlobOpenWriteOptions { BufferSize = BlockSize }, ct);
        return new ExportUpload(blob, write, ContentCipher.Encrypt(write, key, AssociatedData(export.Id)), key,
            sealKey: token => vault.SealBytesAsync(tenant, [export.SubjectId], KeyField, export.Id.ToString(), key, token));
    }

    /// <summary>A seekable stream of the decrypted ZIP, or null when the subject's key is gone or the blob was deleted.</summary>
    public async Task<Stream?> OpenReadAsync(SubjectExport export, CancellationToken ct)
    {
        if (export.ContentKey is null || export.BlobName is null || export.DeletedAt is not null) return null;
        var key = await vault.UnsealBytesAsync([export.SubjectId], KeyField, export.Id.ToString(), Convert.FromBase64String(export.ContentKey), ct);
        if (key is null) return null;
        var blob = Exports.GetBlobClient(export.BlobName);
        if (await EncryptedBlobs.HeaderAsync(blob, ct) is not { } stored) return null;
        var (length, header) = stored;
        return ContentCipher.OpenRead(key, AssociatedData(export.Id), length, header, (offset, count, token) => EncryptedBlobs.ReadRangeAsync(blob, offset, count, token));
    }

    /// <summary>Deletes every blob of the export (all attempts); returns how many there were.</summary>
    public async Task<int> DeleteBlobsAsync(Guid schoolId, Guid exportId, CancellationToken ct)
    {
        if (!await Exports.ExistsAsync(ct)) return 0;
        var deleted = 0;
        await foreach (var item in Exports.GetBlobsAsync(BlobTraits.None, BlobStates.None, Prefix(schoolId, exportId), ct))
        {
            await Exports.DeleteBlobIfExistsAsync(item.Name, DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: ct);
            deleted++;
        }

        return deleted;
    }

    /// <summary>Deletes the export's blobs and records why (expired, shredded), once; the deletion is checked.</summary>
    public async Task DeleteAsync(Guid schoolId, Guid exportId, string reason, CancellationToken ct)
    {
        await DeleteBlobsAsync(schoolId, exportId, ct);
        if (await Exports.ExistsAsync(ct))
        {
            await foreach (var _ in Exports.GetBlobsAsync(BlobTraits.None, BlobStates.None, Prefix(schoolId, exportId), ct))
                throw new InvalidOperationException($"A blob of export {exportId} still exists.");
        }

        await using var session = store.LightweightSession(Ids.Tenant(schoolId));
        await ExportLocks.TakeAsync(session, exportId, ct);
        var stream = await session.Events.FetchForWriting<SubjectExport>(exportId, ct);
        if (stream.Aggregate is not { DeletedAt: null }) return;
        stream.AppendOne(new ExportDeleted(exportId, reason, clock.GetUtcNow()));
        await session.SaveChangesAsync(ct);
    }

    /// <summary>
    /// A step of the erasure (Privacy/ErasureWorkflow.cs): every export of the subject is deleted (blobs, even of exports already marked
    /// deleted, as Blob Storage may have been restored) and marked shredded. Idempotent.
    /// </summary>
    public async Task<int> ShredForSubjectAsync(string tenant, Guid schoolId, Guid subjectId, CancellationToken ct)
    {
        IReadOnlyList<SubjectExport> exports;
        await using (var query = store.QuerySession(tenant))
        {
            exports = await query.Query<SubjectExport>().Where(e => e.SubjectId == subjectId).ToListAsync(ct);
        }

        foreach (var export in exports) await DeleteAsync(schoolId, export.Id, ExportStates.Shredded, ct);
        return exports.Count;
    }

    /// <summary>
    /// A step of a guardian's erasure (Privacy/ErasureWorkflow.cs): the exports that may quote them are deleted and marked shredded, as
    /// their own are. Those are the exports of the people of every thread they took part in (a guardian of it, or a sender in it): its
    /// students (a student's export holds every message of the threads about them) and its other guardians (a guardian's export holds the
    /// others' messages in their threads). Found from the conversations, which an erasure keeps (ids only), so a re-application after a
    /// restore finds them again; blobs are deleted again even of exports already deleted (Blob Storage may have been restored). Idempotent.
    /// </summary>
    public async Task<int> ShredQuotingAsync(string tenant, Guid schoolId, Guid guardianId, CancellationToken ct)
    {
        IReadOnlyList<SubjectExport> exports;
        await using (var query = store.QuerySession(tenant))
        {
            var sentIn = await query.Query<Conversations.MessageView>().Where(m => m.SenderId == guardianId).Select(m => m.ConversationId)
                .ToListAsync(ct);
            var conversations = (await query.Query<Conversations.Conversation>().Where(c => c.GuardianIds.Contains(guardianId)).ToListAsync(ct))
                .Concat(await query.LoadManyAsync<Conversations.Conversation>(ct, sentIn.Distinct()))
                .DistinctBy(c => c.Id).ToList();
            var students = conversations.SelectMany(c => c.SubjectStudents).Distinct().ToList();
            var guardians = conversations.SelectMany(c => c.GuardianIds).Where(g => g != guardianId).Distinct().ToList();
            if (students.Count == 0 && guardians.Count == 0) return 0;
            exports = await query.Query<SubjectExport>()
                .Where(e => (e.SubjectKind == ExportKinds.Student && e.SubjectId.IsOneOf(students)) ||
                            (e.SubjectKind == ExportKinds.Guardian && e.SubjectId.IsOneOf(guardians)))
                .ToListAsync(ct);
        }

        foreach (var export in exports) await DeleteAsync(schoolId, export.Id, ExportStates.Shredded, ct);
        return exports.Count;
    }
}

/// <summary>An export's ZIP on its way into Blob Storage, encrypted as it is written (<see cref="ExportStore.StartUploadAsync"/>).</summary>
public sealed class ExportUpload(BlockBlobClient blob, Stream write, ContentEncryptingStream encryptor, byte[] key,
    Func<CancellationToken, ValueTask<byte[]>> sealKey) : IAsyncDisposable
{
    private bool _finished;
    private bool _committed;

    /// <summary>Write the plaintext ZIP here (write-only, not seekable).</summary>
    public Stream Content => encryptor;

    /// <summary>Commits the blob; returns its name, the content key sealed for the subject (base64) and the plaintext size.</summary>
    public async Task<(string BlobName, string ContentKey, long Size)> FinishAsync(CancellationToken ct)
    {
        await encryptor.FinishAsync(ct);
        await write.FlushAsync(ct);
        await write.DisposeAsync();
        _committed = true;
        var sealedKey = await sealKey(ct);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(key);
        _finished = true;
        return (blob.Name, Convert.ToBase64String(sealedKey), encryptor.PlaintextLength);
    }

    public async ValueTask DisposeAsync()
    {
        if (_finished) return;
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(key);
        if (!_committed)
        {
            try
            {
                await write.DisposeAsync();
            }
            catch (RequestFailedException)
            {
                // Nothing was committed.
            }
        }

        await blob.DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots);
    }
}
