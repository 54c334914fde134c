using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace ClassComms.PersonalData;

/// <summary>
/// Encrypts bulk content (media) under a random content key; the content key itself is sealed for the data
/// subjects with <see cref="PersonalDataVault.SealBytesAsync"/>, so shredding a subject shreds the content.
/// </summary>
/// <remarks>
/// Format 2 (written): the STREAM construction over AES-256-GCM, so content is encrypted and decrypted in
/// 64 KiB segments without ever holding it whole, and any range can be decrypted alone:
/// <c>2 | segment size (uint32 BE) | nonce prefix (8 random bytes)</c>, then per segment
/// <c>ciphertext | tag (16)</c>. Segment <c>i</c> uses nonce <c>prefix | i (uint32 BE)</c>; its associated data
/// binds the header, the caller's associated data, <c>i</c> and whether it is the final segment, so truncating,
/// reordering, dropping or appending segments fails authentication.
/// Format 1 (read only): one AES-GCM value, <c>1 | nonce (12) | tag (16) | ciphertext</c>.
/// </remarks>
public static class ContentCipher
{
    public const int DefaultSegmentSize = 64 * 1024;
    internal const byte LegacyFormat = 1;
    internal const byte StreamFormat = 2;
    internal const int TagSize = 16;
    internal const int NonceSize = 12;
    internal const int PrefixSize = 8;
    internal const int HeaderSize = 1 + 4 + PrefixSize;
    private const int LegacyHeader = 1 + NonceSize + TagSize;

    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(32);

    /// <summary>Length of the format-2 ciphertext of <paramref name="plaintextLength"/> bytes.</summary>
    public static long EncryptedLength(long plaintextLength, int segmentSize = DefaultSegmentSize) =>
        HeaderSize + plaintextLength + TagSize * SegmentCount(plaintextLength, segmentSize);

    /// <summary>
    /// A write-only stream that encrypts what is written to it into <paramref name="destination"/>, a segment at
    /// a time. Call <see cref="ContentEncryptingStream.FinishAsync"/> at the end: without it the ciphertext has no
    /// final segment and will never decrypt (an aborted upload cannot pass for a complete one).
    /// </summary>
    public static ContentEncryptingStream Encrypt(Stream destination, byte[] key, string associatedData, int segmentSize = DefaultSegmentSize) =>
        new(destination, key, associatedData, segmentSize);

    /// <summary>Encrypts a whole buffer in format 2.</summary>
    public static byte[] Encrypt(byte[] key, ReadOnlySpan<byte> content, string associatedData)
    {
        using var output = new MemoryStream((int)EncryptedLength(content.Length));
        using var encryptor = Encrypt(output, key, associatedData);
        encryptor.Write(content);
        encryptor.Finish();
        return output.ToArray();
    }

    /// <summary>Decrypts a whole buffer (format 1 or 2). Null when the content was tampered with or the key is wrong.</summary>
    public static byte[]? Decrypt(byte[] key, ReadOnlySpan<byte> encrypted, string associatedData)
    {
        if (encrypted.IsEmpty) return null;
        if (encrypted[0] == LegacyFormat) return DecryptLegacy(key, encrypted, associatedData);
        var copy = encrypted.ToArray();
        using var stream = OpenRead(key, associatedData, copy.Length, copy.AsSpan(0, Math.Min(copy.Length, HeaderSize)),
            (offset, length, _) => Task.FromResult<Stream>(new MemoryStream(copy, (int)offset, (int)length, writable: false)));
        if (stream is null) return null;
        try
        {
            var plaintext = new byte[stream.Length];
            stream.ReadExactly(plaintext);
            if (plaintext.Length == 0 && stream.Read(new byte[1]) != 0) return null; // reading past the end authenticates empty content
            return plaintext;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>
    /// A seekable, read-only stream of the plaintext of format-2 content of <paramref name="encryptedLength"/> bytes
    /// whose first bytes are <paramref name="header"/>; only the segments actually read are fetched (through
    /// <paramref name="readRange"/>: offset and length in the ciphertext) and decrypted. A segment that fails
    /// authentication throws <see cref="CryptographicException"/>; nothing unauthenticated is ever returned.
    /// Null when the header is not format 2 or the length cannot be a format-2 length.
    /// </summary>
    public static ContentDecryptingStream? OpenRead(byte[] key, string associatedData, long encryptedLength, ReadOnlySpan<byte> header,
        Func<long, long, CancellationToken, Task<Stream>> readRange)
    {
        if (header.Length < HeaderSize || header[0] != StreamFormat) return null;
        var segmentSize = (int)BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (segmentSize is < 1024 or > 16 * 1024 * 1024) return null;
        var body = encryptedLength - HeaderSize;
        if (body < TagSize) return null;
        var segments = (body + segmentSize + TagSize - 1) / (segmentSize + TagSize);
        var lastSegment = body - (segments - 1) * (segmentSize + TagSize);
        if (lastSegment < TagSize || segments > uint.MaxValue) return null;
        return new ContentDecryptingStream(key, associatedData, header[..HeaderSize].ToArray(), segmentSize, body - segments * TagSize, readRange);
    }

    /// <summary>True when <paramref name="header"/> starts format-1 (whole-value) content, which must be read whole.</summary>
    public static bool IsLegacy(ReadOnlySpan<byte> header) => !header.IsEmpty && header[0] == LegacyFormat;

    internal static long SegmentCount(long plaintextLength, int segmentSize) =>
        plaintextLength == 0 ? 1 : (plaintextLength + segmentSize - 1) / segmentSize;

    internal static void Nonce(ReadOnlySpan<byte> header, uint index, Span<byte> nonce)
    {
        header.Slice(5, PrefixSize).CopyTo(nonce);
        BinaryPrimitives.WriteUInt32BigEndian(nonce[PrefixSize..], index);
    }

    /// <summary>header | associated data | index | final; the caller's part is computed once per stream.</summary>
    internal static byte[] SegmentAssociatedData(ReadOnlySpan<byte> header, string associatedData)
    {
        var ad = Encoding.UTF8.GetBytes(associatedData);
        var buffer = new byte[HeaderSize + ad.Length + 5];
        header[..HeaderSize].CopyTo(buffer);
        ad.CopyTo(buffer.AsSpan(HeaderSize));
        return buffer;
    }

    internal static void Bind(byte[] segmentAd, uint index, bool final)
    {
        BinaryPrimitives.WriteUInt32BigEndian(segmentAd.AsSpan(segmentAd.Length - 5), index);
        segmentAd[^1] = final ? (byte)1 : (byte)0;
    }

    private static byte[]? DecryptLegacy(byte[] key, ReadOnlySpan<byte> encrypted, string associatedData)
    {
        if (encrypted.Length < LegacyHeader) return null;
        var plaintext = new byte[encrypted.Length - LegacyHeader];
        using var aes = new AesGcm(key, TagSize);
        try
        {
            aes.Decrypt(encrypted.Slice(1, NonceSize), encrypted[LegacyHeader..], encrypted.Slice(1 + NonceSize, TagSize), plaintext,
                Encoding.UTF8.GetBytes(associatedData));
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }
}
