using System.Security.Cryptography;
using ClassComms.PersonalData;
using ClassComms.Platform;
using Marten;

namespace ClassComms.Dpo;

/// <summary>
/// A school's signing key (ECDSA P-256, SHA-256 — JOSE "ES256"): signs what the DPO hands out and must be able to defend later,
/// the subject access export's manifest and the erasure certificate. One per school, created on first use. The public key is not a
/// secret (published by <see cref="GetSigningKeyEndpoint"/>, so a recipient verifies offline); the private key (PKCS#8) is sealed
/// in the vault under the signing key's own id as the data subject, not the school's: shredding the school's text does not stop
/// the school from signing the certificate of its own departure, and destroying that subject's key retires the signing key.
/// </summary>
public sealed class SchoolSigningKey
{
    /// <summary>The school's id.</summary>
    public Guid Id { get; set; }

    /// <summary>Vault subject under which <see cref="PrivateKey"/> is sealed.</summary>
    public Guid KeySubject { get; set; }

    /// <summary>Lower-case hex SHA-256 of <see cref="PublicKey"/> (its DER SubjectPublicKeyInfo): names the key in every signature.</summary>
    public string KeyId { get; set; } = "";

    /// <summary>DER SubjectPublicKeyInfo.</summary>
    public byte[] PublicKey { get; set; } = [];

    /// <summary>PKCS#8, sealed (vault bytes format).</summary>
    public byte[] PrivateKey { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A detached signature over some bytes: which key, which algorithm, the signature (IEEE P1363, base64).</summary>
public sealed record DetachedSignature(string KeyId, string Algorithm, string Signature);

/// <summary>Signs for a school and verifies offline (<c>Verify</c> needs only the public key).</summary>
public sealed class SchoolSigning(IDocumentStore store, PersonalDataVault vault, TimeProvider clock)
{
    public const string Algorithm = "ES256";
    private const string Field = "school.signingKey";

    /// <summary>The school's signing key, created on first use (creations racing on two nodes settle on one: an advisory lock per school).</summary>
    public async Task<SchoolSigningKey> KeyOfAsync(Guid schoolId, CancellationToken ct)
    {
        await using (var query = store.QuerySession())
            if (await query.LoadAsync<SchoolSigningKey>(schoolId, ct) is { } existing) return existing;

        await using var session = store.LightweightSession();
        await AdvisoryLocks.TakeAsync(session, AdvisoryLocks.Keys("signing-key", [schoolId]), ct);
        if (await session.LoadAsync<SchoolSigningKey>(schoolId, ct) is { } raced) return raced;

        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = Guid.CreateVersion7();
        var pkcs8 = ecdsa.ExportPkcs8PrivateKey();
        try
        {
            var publicKey = ecdsa.ExportSubjectPublicKeyInfo();
            var key = new SchoolSigningKey
            {
                Id = schoolId, KeySubject = subject, KeyId = KeyIdOf(publicKey), PublicKey = publicKey,
                PrivateKey = await vault.SealBytesAsync(Ids.Tenant(schoolId), [subject], Field, schoolId.ToString(), pkcs8, ct),
                CreatedAt = clock.GetUtcNow(),
            };
            session.Store(key);
            await session.SaveChangesAsync(ct);
            return key;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    /// <summary>Signs <paramref name="data"/> with the school's key.</summary>
    public async Task<DetachedSignature> SignAsync(Guid schoolId, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        var key = await KeyOfAsync(schoolId, ct);
        var pkcs8 = await vault.UnsealBytesAsync([key.KeySubject], Field, schoolId.ToString(), key.PrivateKey, ct)
                    ?? throw new InvalidOperationException("The school's signing key is retired (its vault key is destroyed).");
        try
        {
            using var ecdsa = ECDsa.Create();
            ecdsa.ImportPkcs8PrivateKey(pkcs8, out _);
            var signature = ecdsa.SignData(data.Span, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            return new DetachedSignature(key.KeyId, Algorithm, Convert.ToBase64String(signature));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    /// <summary>
    /// Offline verification: true when <paramref name="signature"/> is an ES256 signature of <paramref name="data"/> by the key whose
    /// DER SubjectPublicKeyInfo (or PEM "PUBLIC KEY") is given, and names that key. Never throws for malformed input.
    /// </summary>
    public static bool Verify(ReadOnlySpan<byte> data, DetachedSignature signature, string publicKeyPem)
    {
        try
        {
            using var ecdsa = ECDsa.Create();
            ecdsa.ImportFromPem(publicKeyPem);
            return Verify(data, signature, ecdsa.ExportSubjectPublicKeyInfo());
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            return false;
        }
    }

    /// <inheritdoc cref="Verify(ReadOnlySpan{byte}, DetachedSignature, string)"/>
    public static bool Verify(ReadOnlySpan<byte> data, DetachedSignature signature, byte[] publicKey)
    {
        try
        {
            if (signature.Algorithm != Algorithm || signature.KeyId != KeyIdOf(publicKey)) return false;
            using var ecdsa = ECDsa.Create();
            ecdsa.ImportSubjectPublicKeyInfo(publicKey, out _);
            var bytes = new byte[64];
            return Convert.TryFromBase64String(signature.Signature, bytes, out var written) && written == 64
                   && ecdsa.VerifyData(data, bytes, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException or FormatException)
        {
            return false;
        }
    }

    public static string KeyIdOf(byte[] publicKey) => Convert.ToHexStringLower(SHA256.HashData(publicKey));

    public static string PemOf(SchoolSigningKey key) => PemEncoding.WriteString("PUBLIC KEY", key.PublicKey);
}
