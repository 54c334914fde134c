using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;
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
    public long MaxImagePixels { get; set; } = 40_000_000;
    public TimeSpan UploadSasLifetime { get; set; } = TimeSpan.FromMinutes(10);

    public long MaxBytes => Math.Max(MaxImageBytes, Math.Max(MaxVideoBytes, MaxPdfBytes));

    public long LimitFor(string kind) => kind switch
    {
        ContentSniffer.Image => MaxImageBytes,
        ContentSniffer.Video => MaxVideoBytes,
        _ => MaxPdfBytes,
    };
}

/// <summary>
/// Media in Blob Storage: validated by content, images re-encoded without metadata (EXIF/GPS), encrypted
/// under a random content key sealed for the data subjects, in a private container. Uploads through SAS land
/// in a private quarantine container first and are only accepted after the same processing.
/// </summary>
public sealed class MediaStore(BlobServiceClient blobs, PersonalDataVault vault, IOptions<MediaOptions> options, TimeProvider clock)
{
    public const string Container = "media";
    public const string QuarantineContainer = "incoming";
    private const string KeyField = "media.content-key";

    public MediaOptions Options => options.Value;

    public BlobContainerClient Media => blobs.GetBlobContainerClient(Container);

    public BlobContainerClient Quarantine => blobs.GetBlobContainerClient(QuarantineContainer);

    public async Task EnsureContainersAsync(CancellationToken ct)
    {
        await Media.CreateIfNotExistsAsync(PublicAccessType.None, cancellationToken: ct);
        await Quarantine.CreateIfNotExistsAsync(PublicAccessType.None, cancellationToken: ct);
    }

    /// <summary>Validates, cleans, encrypts and stores a file; returns the media object to store, or a 400 naming <paramref name="field"/>.</summary>
    public async Task<(MediaObject? Media, IResult? Problem)> IngestAsync(Caller uploader, Guid conversationId, IReadOnlyList<Guid> subjects,
        string fileName, byte[] content, string field, CancellationToken ct)
    {
        var type = ContentSniffer.Sniff(content.AsSpan(0, Math.Min(content.Length, 64)));
        if (type is null) return (null, Problems.Invalid(field, "is not a supported photo (JPEG, PNG, GIF, WebP, HEIC), video (MP4, MOV, WebM) or PDF."));
        if (content.Length > Options.LimitFor(type.Kind))
        {
            return (null, Problems.Invalid(field, $"is too large: a {type.Kind} may be at most {Options.LimitFor(type.Kind) / (1024 * 1024)} MB."));
        }

        int? width = null, height = null;
        if (type.Kind == ContentSniffer.Image)
        {
            try
            {
                var info = new MagickImageInfo(content);
                if ((long)info.Width * info.Height > Options.MaxImagePixels)
                {
                    return (null, Problems.Invalid(field, $"has too many pixels: at most {Options.MaxImagePixels:N0}."));
                }

                (content, width, height) = StripMetadata(content);
            }
            catch (MagickException)
            {
                return (null, Problems.Invalid(field, "is not a readable image."));
            }
        }

        var id = Guid.CreateVersion7();
        var key = ContentCipher.NewKey();
        var blobName = $"{uploader.SchoolId:N}/{id:N}";
        await Media.GetBlobClient(blobName).UploadAsync(BinaryData.FromBytes(ContentCipher.Encrypt(key, content, AssociatedData(id))), overwrite: false, ct);
        var media = new MediaObject
        {
            Id = id,
            ConversationId = conversationId,
            UploadedBy = uploader.UserId,
            Kind = type.Kind,
            ContentType = type.ContentType,
            Size = content.Length,
            Width = width,
            Height = height,
            FileName = await vault.SealForAllAsync(uploader.Tenant, subjects, "media.file-name", CleanName(fileName, type), ct),
            ContentKey = Convert.ToBase64String(await vault.SealBytesAsync(uploader.Tenant, subjects, KeyField, key, ct)),
            Subjects = subjects.ToList(),
            BlobName = blobName,
            UploadedAt = clock.GetUtcNow(),
        };
        return (media, null);
    }

    /// <summary>The decrypted content, or null when a subject was erased (the key is gone) or the blob was deleted.</summary>
    public async Task<byte[]?> ReadAsync(MediaObject media, CancellationToken ct)
    {
        var key = await vault.UnsealBytesAsync(media.Subjects, KeyField, Convert.FromBase64String(media.ContentKey), ct);
        if (key is null || media.DeletedAt is not null) return null;
        var blob = Media.GetBlobClient(media.BlobName);
        if (!await blob.ExistsAsync(ct)) return null;
        var encrypted = (await blob.DownloadContentAsync(ct)).Value.Content.ToArray();
        return ContentCipher.Decrypt(key, encrypted, AssociatedData(media.Id));
    }

    /// <summary>Deletes the blob (in addition to shredding its key) and marks the media deleted.</summary>
    public async Task DeleteAsync(MediaObject media, CancellationToken ct)
    {
        await Media.GetBlobClient(media.BlobName).DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: ct);
        media.DeletedAt ??= clock.GetUtcNow();
    }

    /// <summary>A write-only SAS for one quarantine blob, valid for <see cref="MediaOptions.UploadSasLifetime"/>.</summary>
    public (Uri Url, DateTimeOffset ExpiresAt) IssueUploadUrl(Guid uploadId)
    {
        var expires = clock.GetUtcNow() + Options.UploadSasLifetime;
        var blob = Quarantine.GetBlobClient(uploadId.ToString("N"));
        return (blob.GenerateSasUri(BlobSasPermissions.Create | BlobSasPermissions.Write, expires), expires);
    }

    private static (byte[] Content, int Width, int Height) StripMetadata(byte[] content)
    {
        using var frames = new MagickImageCollection(content);
        foreach (var frame in frames)
        {
            frame.AutoOrient();
            frame.Strip();
        }

        return (frames.ToByteArray(), (int)frames[0].Width, (int)frames[0].Height);
    }

    private static string CleanName(string fileName, SniffedType type)
    {
        var name = Path.GetFileNameWithoutExtension(fileName.Replace('\\', '/').Split('/').Last());
        name = new string(name.Where(c => !char.IsControl(c)).Take(120).ToArray()).Trim();
        return (name.Length == 0 ? "attachment" : name) + type.Extension;
    }

    private static string AssociatedData(Guid mediaId) => $"classcomms/media/v1|{mediaId:N}";
}
