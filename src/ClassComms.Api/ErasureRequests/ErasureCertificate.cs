using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using ClassComms.Dpo;

namespace ClassComms.ErasureRequests;

/// <summary>A person or role in a certificate: an id and a role code, never a name.</summary>
public sealed record CertificateParty(Guid Id, string Role);

/// <summary>What was erased: a kind, how many, and the ids where they are useful (keys, media).</summary>
public sealed record ErasedItem(string Kind, int Count, IReadOnlyList<Guid> Ids);

/// <summary>What was kept, and on which basis (a code: <c>legalObligation</c>, <c>unreadable</c>, <c>notPersonalData</c>, <c>othersData</c>, <c>otherController</c>).</summary>
public sealed record KeptItem(string Kind, string Basis, string Detail);

/// <summary>
/// The erasure certificate: what was erased, what was kept and on which basis, when, by whom (ids and roles), the request and its
/// deadline. Ids, times and codes only: no personal data of the subject. Signed by the school's key (<see cref="SchoolSigning"/>).
/// </summary>
public sealed record ErasureCertificate(
    string Format,
    Guid CertificateId,
    Guid SchoolId,
    Guid RequestId,
    Guid ErasureId,
    string SubjectKind,
    Guid SubjectId,
    CertificateParty RequestedBy,
    DateTimeOffset ReceivedAt,
    string Regime,
    DateTimeOffset DueAt,
    bool Extended,
    string? ExtensionReason,
    CertificateParty ApprovedBy,
    DateTimeOffset ApprovedAt,
    DateTimeOffset ErasureStartedAt,
    DateTimeOffset? LedgerRecordedAt,
    DateTimeOffset? KeyDestroyedAt,
    DateTimeOffset? BlobsDeletedAt,
    DateTimeOffset CompletedAt,
    bool DeadlineMet,
    IReadOnlyList<ErasedItem> Erased,
    IReadOnlyList<KeptItem> Kept,
    DateTimeOffset IssuedAt)
{
    public const string FormatName = "classcomms.erasure-certificate/1";
}

/// <summary>
/// The certificate as a file: <c>{"certificate": {…}, "signature": {"keyId", "algorithm": "ES256", "signature"}}</c>, where the signature is
/// over the exact UTF-8 bytes of the <c>certificate</c> value as they stand in the file (so the file must not be re-formatted).
/// </summary>
public static class ErasureCertificateFile
{
    public static byte[] Compose(ReadOnlySpan<byte> certificate, DetachedSignature signature)
    {
        var signatureJson = JsonSerializer.SerializeToUtf8Bytes(signature, JsonSerializerOptions.Web);
        using var buffer = new MemoryStream();
        buffer.Write("{\"certificate\":"u8);
        buffer.Write(certificate);
        buffer.Write(",\"signature\":"u8);
        buffer.Write(signatureJson);
        buffer.Write("}"u8);
        return buffer.ToArray();
    }

    public static string Sha256Of(byte[] file) => Convert.ToHexStringLower(SHA256.HashData(file));

    /// <summary>
    /// Offline check: null when <paramref name="file"/> is a certificate signed by the key of <paramref name="publicKeyPem"/>; else why
    /// not (never throws for malformed input).
    /// </summary>
    public static string? Verify(byte[] file, string publicKeyPem)
    {
        try
        {
            using var document = JsonDocument.Parse(file);
            if (!document.RootElement.TryGetProperty("certificate", out var certificate) || certificate.ValueKind != JsonValueKind.Object)
                return "no certificate in the file";
            if (!document.RootElement.TryGetProperty("signature", out var signatureElement)) return "no signature in the file";
            var signature = signatureElement.Deserialize<DetachedSignature>(JsonSerializerOptions.Web);
            if (signature is null) return "no signature in the file";
            if (certificate.TryGetProperty("format", out var format) && format.GetString() != ErasureCertificate.FormatName)
                return "not an erasure certificate of a known format";
            var signed = JsonMarshal.GetRawUtf8Value(certificate);
            return SchoolSigning.Verify(signed, signature, publicKeyPem) ? null : "the signature does not verify with this public key";
        }
        catch (JsonException)
        {
            return "the file is not a certificate (not JSON)";
        }
    }
}
