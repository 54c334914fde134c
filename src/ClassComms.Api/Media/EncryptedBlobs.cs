using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace ClassComms.Media;

/// <summary>Reading an encrypted blob by ranges (<see cref="ClassComms.PersonalData.ContentCipher.OpenRead"/>): what the media and export stores share.</summary>
public static class EncryptedBlobs
{
    /// <summary>The blob's length and its first bytes (at most 64: the cipher's header), or null when the blob does not exist.</summary>
    public static async Task<(long Length, byte[] Header)?> HeaderAsync(BlobClient blob, CancellationToken ct)
    {
        long length;
        try
        {
            length = (await blob.GetPropertiesAsync(cancellationToken: ct)).Value.ContentLength;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }

        var header = new byte[Math.Min(length, 64)];
        await using (var start = await ReadRangeAsync(blob, 0, header.Length, ct)) await start.ReadExactlyAsync(header, ct);
        return (length, header);
    }

    public static async Task<Stream> ReadRangeAsync(BlobClient blob, long offset, long count, CancellationToken ct) =>
        (await blob.DownloadStreamingAsync(new BlobDownloadOptions { Range = new HttpRange(offset, count) }, ct)).Value.Content;
}
