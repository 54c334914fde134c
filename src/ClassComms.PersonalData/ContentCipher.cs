using System.Security.Cryptography;

namespace ClassComms.PersonalData;

/// <summary>
/// Encrypts bulk content (media) under a random content key; the content key itself is sealed for the data
/// subjects with <see cref="PersonalDataVault.SealBytesAsync"/>, so shredding a subject shreds the content.
/// </summary>
public static class ContentCipher
{
    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(32);

    public static byte[] Encrypt(byte[] key, ReadOnlySpan<byte> content, string associatedData) => Aead.Encrypt(key, content, associatedData);

    /// <summary>Null when the content was tampered with or the key is wrong.</summary>
    public static byte[]? Decrypt(byte[] key, ReadOnlySpan<byte> encrypted, string associatedData) => Aead.Decrypt(key, encrypted, associatedData);
}
