using System.Security.Cryptography;
using System.Text;

namespace ClassComms.PersonalData;

/// <summary>AES-256-GCM with a random 96-bit nonce per value; output is header | nonce | tag | ciphertext.</summary>
internal static class Aead
{
    private const byte Version = 1;
    public const int NonceSize = 12;
    public const int TagSize = 16;
    private const int Header = 1 + NonceSize + TagSize;

    /// <summary>Version 1: a single version byte as header.</summary>
    public static byte[] Encrypt(byte[] key, ReadOnlySpan<byte> plaintext, string associatedData) =>
        Encrypt(key, [Version], plaintext, associatedData);

    /// <summary>Returns null when the input is malformed or fails authentication.</summary>
    public static byte[]? Decrypt(byte[] key, ReadOnlySpan<byte> sealedBytes, string associatedData) =>
        sealedBytes.Length < Header || sealedBytes[0] != Version ? null : Decrypt(key, 1, sealedBytes, associatedData);

    /// <summary>header | nonce | tag | ciphertext; the caller binds the header into <paramref name="associatedData"/>.</summary>
    public static byte[] Encrypt(byte[] key, ReadOnlySpan<byte> header, ReadOnlySpan<byte> plaintext, string associatedData)
    {
        var start = header.Length;
        var output = new byte[start + NonceSize + TagSize + plaintext.Length];
        header.CopyTo(output);
        var nonce = output.AsSpan(start, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(start + NonceSize + TagSize), output.AsSpan(start + NonceSize, TagSize),
            Encoding.UTF8.GetBytes(associatedData));
        return output;
    }

    /// <summary>Opens what follows a header of <paramref name="headerLength"/> bytes; null when malformed or not authentic.</summary>
    public static byte[]? Decrypt(byte[] key, int headerLength, ReadOnlySpan<byte> sealedBytes, string associatedData)
    {
        if (sealedBytes.Length < headerLength + NonceSize + TagSize) return null;
        var body = sealedBytes[headerLength..];
        var plaintext = new byte[body.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        try
        {
            aes.Decrypt(body[..NonceSize], body[(NonceSize + TagSize)..], body.Slice(NonceSize, TagSize), plaintext,
                Encoding.UTF8.GetBytes(associatedData));
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }
}
