using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using ClassComms.PersonalData;
using ClassComms.Platform;
using ImageMagick;
using Microsoft.Extensions.Options;

namespace ClassComms.Media;

public sealed class MediaOptions
{
    public const string Section = "Media";
    public long MaxImageBytes { get; set; } = 15 * 1024 * 1024;
    public long MaxVideoBytes { get; set; } = 200 * 1024 * 1024;
    public long MaxPdfBytes { get; set; } = 20 * 1024 * 1024;

    /// <summary>Pixels of any one frame (and of the canvas) of an image.</summary>
    public long MaxImagePixels { get; set; } = 40_000_000;

    /// <summary>Frames of an animated image.</summary>
    public int MaxImageFrames { get; set; } = 300;

    /// <summary>How long an uploaded attachment may wait to be sent in a message before it is deleted.</summary>
    public TimeSpan UnsentAttachmentLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Bytes of media a user may have stored (not deleted) in a school, uploads in progress included.</summary>
    public long QuotaBytesPerUser { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>How far ahead of what it has read an upload reserves quota (one database round trip per step).</summary>
    public long QuotaReservationStep { get; set; } = 4 * 1024 * 1024;

    /// <summary>How long an upload's reservation lives without growing; after that its blob is swept if it was never committed.</summary>
    public TimeSpan UploadReservationLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often each node sweeps expired reservations and their blobs.</summary>
    public TimeSpan AbandonedUploadSweepInterval { get; set; } = TimeSpan.FromMinutes(15);

    public long MaxBytes => Math.Max(MaxImageBytes, Math.Max(MaxVideoBytes, MaxPdfBytes));

    public long LimitFor(string kind) => kind switch
    {
        ContentSniffer.Image => MaxImageBytes,
        ContentSniffer.Video => MaxVideoBytes,
        _ => MaxPdfBytes,
    };
}

/// <summary>Stored media (or its key) failed authentication: tampered with or corrupt. The message holds ids only.</summary>
public sealed class MediaIntegrityException(Guid mediaId, string what) : Exception($"Media {mediaId}: {what}.")
{
    public Guid MediaId { get; } = mediaId;
}

/// <summary>
/// Media in Blob Storage, never in plaintext: validated by content, images re-encoded without metadata
/// (EXIF/GPS), everything encrypted while it streams in (segmented AES-GCM under a random content key that is
/// sealed for the data subjects) into a private container, and decrypted while it streams out.
/// </summary>
public sealed class MediaStore
{
    public const string Container = "media";

    /// <summary>The retired direct-upload quarantine, which held plaintext; deleted at start-up wherever it still exists.</summary>
    public const string RetiredQuarantineContainer = "incoming";

    private const string KeyField = "media.content-key";
    private const string FileNameField = "media.file-name";
    private const int CopyBuffer = 80 * 1024;
    private const int BlockSize = 4 * 1024 * 1024;
    private readonly BlobServiceClient _blobs;
    private readonly PersonalDataVault _vault;
    private readonly IOptions<MediaOptions> _options;
    private readonly TimeProvider _clock;
    private readonly UploadReservations _reservations;

    public MediaStore(BlobServiceClient blobs, PersonalDataVault vault, IOptions<MediaOptions> options, TimeProvider clock, UploadReservations reservations)
    {
        (_blobs, _vault, _options, _clock, _reservations) = (blobs, vault, options, clock, reservations);
        LimitImageDecoding(options.Value);
    }

    public MediaOptions Options => _options.Value;

    public BlobContainerClient Media => _blobs.GetBlobContainerClient(Container);

    public async Task EnsureContainersAsync(CancellationToken ct)
    {
        await Media.CreateIfNotExistsAsync(PublicAccessType.None, cancellationToken: ct);
        await _blobs.GetBlobContainerClient(RetiredQuarantineContainer).DeleteIfExistsAsync(cancellationToken: ct);
    }

    /// <summary>
    /// Validates, cleans, encrypts and stores a file read from <paramref name="content"/>, enforcing the size limits
    /// and the uploader's quota while reading (see <see cref="UploadReservations"/>). Returns the media object to store,
    /// or a problem naming <paramref name="field"/> (400; 413 over the quota). A refused or broken upload leaves no blob
    /// and no reservation behind. The media object must be stored in the same transaction as
    /// <see cref="UploadReservations.SettleSql"/> with its id, or given to <see cref="DiscardAsync(MediaObject, CancellationToken)"/>.
    /// </summary>
    public async Task<(MediaObject? Media, IResult? Problem)> IngestAsync(Caller uploader, Guid conversationId, IReadOnlyList<Guid> subjects,
        string fileName, Stream content, string field, CancellationToken ct)
    {
        var head = new byte[64];
        int headLength;
        try
        {
            headLength = await content.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            return (null, Incomplete(field));
        }

        if (headLength == 0) return (null, Problems.Invalid(field, "is required and must not be empty."));
        var type = ContentSniffer.Sniff(head.AsSpan(0, headLength));
        if (type is null) return (null, Problems.Invalid(field, "is not a supported photo (JPEG, PNG, GIF, WebP, HEIC), video (MP4, MOV, WebM) or PDF."));

        var id = Guid.CreateVersion7();
        var key = ContentCipher.NewKey();
        var blobName = $"{uploader.SchoolId:N}/{id:N}";
        var limits = new Limits(Options.LimitFor(type.Kind), type.Kind, field);
        var reservation = new UploadReservation(id, uploader.Tenant, uploader.UserId, blobName);
        IResult? problem;
        long size;
        int? width = null, height = null;
        if (type.Kind == ContentSniffer.Image)
        {
            // Images are re-encoded, which needs them whole: at most MaxImageBytes in memory, never in storage.
            using var buffer = new MemoryStream();
            buffer.Write(head, 0, headLength);
            problem = await CopyAsync(content, buffer, headLength, limits, null, ct);
            if (problem is not null) return (null, problem);
            byte[] clean;
            (clean, width, height, problem) = Clean(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), type, field);
            if (problem is not null) return (null, problem);
            if (!await _reservations.EnsureAsync(reservation, clean.Length, ct)) return (null, limits.OverQuota());
            (size, problem) = await UploadAsync(reservation, key, new MemoryStream(clean, writable: false), limits with { Max = long.MaxValue }, ct);
        }
        else
        {
            (size, problem) = await UploadAsync(reservation, key, new PrefixedStream(head.AsMemory(0, headLength), content), limits, ct);
        }

        if (problem is not null) return (null, problem);
        try
        {
            return (await DescribeAsync(uploader, conversationId, subjects, fileName, id, key, type, size, width, height, blobName, ct), null);
        }
        catch
        {
            await DiscardAsync(id, blobName, CancellationToken.None);
            throw;
        }
    }

    private async Task<MediaObject> DescribeAsync(Caller uploader, Guid conversationId, IReadOnlyList<Guid> subjects, string fileName, Guid id,
        byte[] key, SniffedType type, long size, int? width, int? height, string blobName, CancellationToken ct)
    {
        var media = new MediaObject
        {
            Id = id,
            ConversationId = conversationId,
            UploadedBy = uploader.UserId,
            Kind = type.Kind,
            ContentType = type.ContentType,
            Size = size,
            Width = width,
            Height = height,
            FileName = await _vault.SealForAllAsync(uploader.Tenant, subjects, FileNameField, Record(id), CleanName(fileName, type), ct),
            ContentKey = Convert.ToBase64String(await _vault.SealBytesAsync(uploader.Tenant, subjects, KeyField, Record(id), key, ct)),
            Subjects = subjects.ToList(),
            BlobName = blobName,
            UploadedAt = _clock.GetUtcNow(),
        };
        return media;
    }

    /// <summary>
    /// Seals the media's content key and file name again for <paramref name="subjects"/> (e.g. the uploader and the students a story
    /// post tags in it), so erasing any of them shreds it and the erasure deletes its blob. The blob itself is unchanged.
    /// </summary>
    public async Task ResealAsync(string tenant, MediaObject media, IReadOnlyList<Guid> subjects, CancellationToken ct)
    {
        var key = await _vault.UnsealBytesAsync(media.Subjects, KeyField, Record(media.Id), Convert.FromBase64String(media.ContentKey), ct)
                  ?? throw new MediaIntegrityException(media.Id, "its content key does not open");
        var name = await _vault.UnsealAsync(media.FileName, Record(media.Id), ct) ?? "";
        media.ContentKey = Convert.ToBase64String(await _vault.SealBytesAsync(tenant, subjects, KeyField, Record(media.Id), key, ct));
        media.FileName = await _vault.SealForAllAsync(tenant, subjects, FileNameField, Record(media.Id), name, ct);
        media.Subjects = subjects.Distinct().ToList();
    }

    /// <summary>
    /// A seekable stream of the decrypted content (only the segments read are fetched and decrypted; a segment that fails
    /// authentication throws <see cref="System.Security.Cryptography.CryptographicException"/> before any of it is
    /// returned), or null when a subject was erased (the key is gone) or the blob was deleted. Throws
    /// <see cref="MediaIntegrityException"/> when the stored content or its key does not authenticate (tampered with, or
    /// copied from another media object).
    /// </summary>
    public async Task<Stream?> OpenReadAsync(MediaObject media, CancellationToken ct)
    {
        if (media.DeletedAt is not null) return null;
        var key = await _vault.UnsealBytesAsync(media.Subjects, KeyField, Record(media.Id), Convert.FromBase64String(media.ContentKey), ct);
        if (key is null)
        {
            foreach (var subject in media.Subjects)
            {
                if (await _vault.IsErasedAsync(subject, ct)) return null;
            }

            throw new MediaIntegrityException(media.Id, "its content key does not open");
        }

        var blob = Media.GetBlobClient(media.BlobName);
        if (await EncryptedBlobs.HeaderAsync(blob, ct) is not { } stored) return null;
        var (length, header) = stored;
        if (ContentCipher.IsLegacy(header))
        {
            var whole = (await blob.DownloadContentAsync(ct)).Value.Content.ToArray();
            return ContentCipher.Decrypt(key, whole, AssociatedData(media.Id)) is { } plaintext
                ? new MemoryStream(plaintext, writable: false)
                : throw new MediaIntegrityException(media.Id, "its content does not authenticate");
        }

        return ContentCipher.OpenRead(key, AssociatedData(media.Id), length, header, (offset, count, token) => EncryptedBlobs.ReadRangeAsync(blob, offset, count, token))
               ?? throw new MediaIntegrityException(media.Id, "its content has an unknown format");
    }

    /// <summary>The decrypted content, whole, or null when a subject was erased or the blob was deleted.</summary>
    public async Task<byte[]?> ReadAsync(MediaObject media, CancellationToken ct)
    {
        await using var stream = await OpenReadAsync(media, ct);
        if (stream is null) return null;
        var content = new byte[stream.Length];
        await stream.ReadExactlyAsync(content, ct);
        return content;
    }

    /// <summary>Deletes the blob (in addition to shredding its key) and marks the media deleted.</summary>
    public async Task DeleteAsync(MediaObject media, CancellationToken ct)
    {
        await Media.GetBlobClient(media.BlobName).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: ct);
        media.DeletedAt ??= _clock.GetUtcNow();
    }

    /// <summary>
    /// Compensates an upload whose media will not be committed (the request was refused after all, or its commit failed):
    /// deletes the blob, then the reservation. If this fails too, the reservation expires and the sweep deletes both.
    /// </summary>
    public Task DiscardAsync(MediaObject media, CancellationToken ct) => DiscardAsync(media.Id, media.BlobName, ct);

    private async Task DiscardAsync(Guid id, string blobName, CancellationToken ct)
    {
        await Media.GetBlobClient(blobName).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: ct);
        await _reservations.ReleaseAsync(id, ct);
    }

    /// <summary>
    /// Deletes the blobs of uploads whose reservation expired before <paramref name="now"/> without being settled (their
    /// commit failed and the compensation did not run), and the reservations. Returns how many were swept.
    /// </summary>
    public Task<int> SweepAbandonedUploadsAsync(DateTimeOffset now, CancellationToken ct) =>
        _reservations.SweepAsync(now, (blobName, token) =>
            Media.GetBlobClient(blobName).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: token), ct);

    private sealed record Limits(long Max, string Kind, string Field)
    {
        public IResult TooLarge() => Problems.Invalid(Field, $"is too large: a {Kind} may be at most {Max / (1024 * 1024)} MB.");

        public IResult OverQuota() => Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Storage quota exceeded.",
            detail: "'file': storing it would exceed your storage quota; ask for older media to be deleted.",
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [Field] = ["exceeds your storage quota."] } });
    }

    /// <summary>Copies until the end of <paramref name="source"/>, refusing as soon as a limit is passed.</summary>
    private async Task<IResult?> CopyAsync(Stream source, Stream destination, long already, Limits limits, UploadReservation? quota, CancellationToken ct)
    {
        var buffer = new byte[CopyBuffer];
        var total = already;
        try
        {
            while (true)
            {
                var n = await source.ReadAsync(buffer, ct);
                if (n == 0) break;
                total += n;
                if (total > limits.Max) return limits.TooLarge();
                if (quota is not null && !await _reservations.EnsureAsync(quota, total, ct)) return limits.OverQuota();
                await destination.WriteAsync(buffer.AsMemory(0, n), ct);
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            return Incomplete(limits.Field);
        }

        return total > limits.Max ? limits.TooLarge() : null;
    }

    /// <summary>
    /// Encrypts <paramref name="plaintext"/> into a new blob while reading it, holding quota for it as it grows (the
    /// reservation is committed before the blob's first byte, so even a crash leaves a record for the sweep). On any
    /// refusal or failure the blob and then the reservation are deleted; on success both stay until the media is committed.
    /// </summary>
    private async Task<(long Size, IResult? Problem)> UploadAsync(UploadReservation reservation, byte[] key, Stream plaintext, Limits limits,
        CancellationToken ct)
    {
        if (!await _reservations.EnsureAsync(reservation, 1, ct)) return (0, limits.OverQuota());
        var blob = Media.GetBlockBlobClient(reservation.BlobName);
        var committed = false;
        try
        {
            await using var write = await blob.OpenWriteAsync(overwrite: true, new BlockBlobOpenWriteOptions
            {
                BufferSize = BlockSize,
                OpenConditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            }, ct);
            await using var encryptor = ContentCipher.Encrypt(write, key, AssociatedData(reservation.Id));
            var problem = await CopyAsync(plaintext, encryptor, 0, limits, reservation, ct);
            if (problem is not null) return (0, problem);
            await encryptor.FinishAsync(ct);
            await write.FlushAsync(ct);
            committed = true;
            return (encryptor.PlaintextLength, null);
        }
        finally
        {
            // Disposing the write stream commits what was staged; a refused upload's partial ciphertext (under a key
            // that was never stored) is deleted at once, then its reservation.
            if (!committed) await DiscardAsync(reservation.Id, reservation.BlobName, CancellationToken.None);
        }
    }

    private static IResult Incomplete(string field) => Problems.Invalid(field, "was not received completely (the upload ended early or the form is malformed).");

    private (byte[] Content, int? Width, int? Height, IResult? Problem) Clean(ReadOnlySpan<byte> content, SniffedType type, string field)
    {
        var settings = new MagickReadSettings { Format = FormatOf(type) };
        if (settings.Format == MagickFormat.Png && PngAnimation.Check(content, Options.MaxImagePixels, Options.MaxImageFrames) is { } animation)
        {
            return ([], null, null, Problems.Invalid(field, animation));
        }

        try
        {
            // Every frame's and the canvas's dimensions are checked from the headers before any pixel is decoded.
            using (var pinged = new MagickImageCollection())
            {
                pinged.Ping(content, settings);
                if (pinged.Count > Options.MaxImageFrames) return ([], null, null, Problems.Invalid(field, $"has too many frames: at most {Options.MaxImageFrames}."));
                foreach (var frame in pinged)
                {
                    if ((long)frame.Width * frame.Height > Options.MaxImagePixels || (long)frame.Page.Width * frame.Page.Height > Options.MaxImagePixels)
                    {
                        return ([], null, null, Problems.Invalid(field, $"has too many pixels: at most {Options.MaxImagePixels:N0} in any frame."));
                    }
                }
            }

            using var frames = new MagickImageCollection(content, settings);
            foreach (var frame in frames)
            {
                frame.AutoOrient();
                frame.Strip();
            }

            return (frames.ToByteArray(settings.Format), (int)frames[0].Width, (int)frames[0].Height, null);
        }
        catch (MagickException)
        {
            return ([], null, null, Problems.Invalid(field, "is not a readable image."));
        }
    }

    private static MagickFormat FormatOf(SniffedType type) => type.ContentType switch
    {
        "image/jpeg" => MagickFormat.Jpeg,
        "image/png" => MagickFormat.Png,
        "image/gif" => MagickFormat.Gif,
        "image/webp" => MagickFormat.WebP,
        "image/heic" => MagickFormat.Heic,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type.ContentType, "not an image type"),
    };

    /// <summary>
    /// Process-wide decoder limits, the second line behind the per-frame checks: no crafted image can make
    /// ImageMagick allocate far beyond the configured limits, and decoded pixels are never paged to disk.
    /// </summary>
    private static void LimitImageDecoding(MediaOptions options)
    {
        var side = (ulong)Math.Min(options.MaxImagePixels, 65_535);
        ResourceLimits.Width = side;
        ResourceLimits.Height = side;
        ResourceLimits.Area = (ulong)options.MaxImagePixels * 4;
        ResourceLimits.ListLength = (ulong)options.MaxImageFrames * 2;
        ResourceLimits.Memory = Math.Max(512UL * 1024 * 1024, (ulong)options.MaxImagePixels * 4 * 8);
        ResourceLimits.Disk = 0;
    }

    private static string CleanName(string fileName, SniffedType type)
    {
        var name = Path.GetFileNameWithoutExtension(fileName.Replace('\\', '/').Split('/').Last());
        name = new string(name.Where(c => !char.IsControl(c)).Take(120).ToArray()).Trim();
        return (name.Length == 0 ? "attachment" : name) + type.Extension;
    }

    /// <summary>
    /// The record a media object's sealed file name and content key are bound to (its id), like a message body is bound to
    /// its message: copied onto another media object they do not open. Values sealed before the binding (no record flag)
    /// still open.
    /// </summary>
    public static string Record(Guid mediaId) => mediaId.ToString();

    private static string AssociatedData(Guid mediaId) => $"classcomms/media/v1|{mediaId:N}";

    /// <summary>The sniffed first bytes, then the rest of the upload.</summary>
    private sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream rest) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            if (prefix.IsEmpty) return await rest.ReadAsync(buffer, ct);
            var n = Math.Min(prefix.Length, buffer.Length);
            prefix[..n].CopyTo(buffer);
            prefix = prefix[n..];
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();
        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();
        public override void Flush() => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
