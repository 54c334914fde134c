using System.Security.Cryptography;
using System.Text;

namespace ClassComms.PersonalData;

/// <summary>AES-256-GCM with a random 96-bit nonce per value; output is version | nonce | tag | ciphertext.</summary>
internal static class Aead
{
    private const byte Version = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int Header = 1 + NonceSize + TagSize;

    public static byte[] Encrypt(byte[] key, ReadOnlySpan<byte> plaintext, string associatedData)
    {
        var output = new byte[Header + plaintext.Length];
        output[0] = Version;
        var nonce = output.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(Header), output.AsSpan(1 + NonceSize, TagSize),
            Encoding.UTF8.GetBytes(associatedData));
        return output;
    }

    /// <summary>Returns null when the input is malformed or fails authentication.</summary>
    public static byte[]? Decrypt(byte[] key, ReadOnlySpan<byte> sealedBytes, string associatedData)
    {
        if (sealedBytes.Length < Header || sealedBytes[0] != Version) return null;
        var plaintext = new byte[sealedBytes.Length - Header];
        using var aes = new AesGcm(key, TagSize);
        try
        {
            aes.Decrypt(sealedBytes.Slice(1, NonceSize), sealedBytes[Header..], sealedBytes.Slice(1 + NonceSize, TagSize),
                plaintext, Encoding.UTF8.GetBytes(associatedData));
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }
}
