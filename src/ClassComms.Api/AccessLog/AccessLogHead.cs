using System.Text;
using System.Text.Json;
using ClassComms.Dpo;

namespace ClassComms.AccessLog;

/// <summary>
/// A point of a school's access log chain: entry <see cref="Seq"/> had hash <see cref="Hash"/> (lower-case hex) at <see cref="At"/>
/// (when it was signed). Ids and a hash only: nothing personal.
/// </summary>
public sealed record AccessLogHead(Guid SchoolId, long Seq, string Hash, DateTimeOffset At)
{
    private const string Domain = "classcomms.access-log-head.v1";

    /// <summary>
    /// The exact bytes the school signs: UTF-8 of <c>classcomms.access-log-head.v1</c>, the school id (lower-case, hyphens), the entry
    /// number (decimal), the hash (lower-case hex) and the time (microseconds since 1970-01-01 UTC, decimal), separated by line feeds.
    /// </summary>
    public byte[] Message()
    {
        var micros = (At.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
        return Encoding.UTF8.GetBytes($"{Domain}\n{SchoolId:D}\n{Seq}\n{Hash.ToLowerInvariant()}\n{micros}");
    }
}

/// <summary>
/// A head signed with the school's ES256 key (<c>GET /api/school/signing-key</c>): what the DPO keeps from a verification, so that a later
/// rewrite of the log up to <see cref="AccessLogHead.Seq"/>, even re-chained consistently, is detected (<see cref="AccessLogVerifier.CheckHeadAsync"/>).
/// </summary>
public sealed record SignedAccessLogHead(AccessLogHead Head, DetachedSignature Signature)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Offline: true when the signature is the school's (the key in <paramref name="publicKeyPem"/>) over exactly this head. Never throws.</summary>
    public bool Verify(string publicKeyPem) => Head is not null && Signature is not null && Head.Hash is not null
                                               && SchoolSigning.Verify(Head.Message(), Signature, publicKeyPem);

    /// <inheritdoc cref="Verify(string)"/>
    public bool Verify(byte[] publicKey) => Head is not null && Signature is not null && Head.Hash is not null
                                            && SchoolSigning.Verify(Head.Message(), Signature, publicKey);

    /// <summary>Reads a saved head (the <c>signedHead</c> of a verification); null when it is not one.</summary>
    public static SignedAccessLogHead? Parse(string json)
    {
        try
        {
            var head = JsonSerializer.Deserialize<SignedAccessLogHead>(json, Json);
            return head?.Head?.Hash is null || head.Signature?.Signature is null ? null : head;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>
/// Where a school's chain starts after retention removed its oldest entries: the last removed entry (<see cref="Head"/>: its number and
/// hash, signed by the school when it was removed), how many entries retention has removed in all, and the time of the last removed entry.
/// Verification starts from it: entry Seq+1 links to its hash.
/// </summary>
public sealed record AccessLogAnchor(SignedAccessLogHead Head, long Removed, DateTimeOffset LastRemovedEntryAt);
