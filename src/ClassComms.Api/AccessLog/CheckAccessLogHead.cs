using ClassComms.Platform;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.AccessLog;

public static class CheckAccessLogHeadEndpoint
{
    /// <summary>The DPO checks a signed head kept from an earlier verification against the school's current access log.</summary>
    /// <remarks>
    /// The body is the <c>signedHead</c> of <c>GET /api/dpo/access-log/verification</c>, as saved. The answer's <c>outcome</c>:
    /// <c>contained</c>, <c>rewritten</c> (entry <c>seq</c> has another hash now: the log up to it was rewritten, even re-chained
    /// consistently), <c>missing</c>, <c>removedByRetention</c>, <c>brokenChain</c> or <c>badSignature</c>. 400 naming the field when the
    /// head is incomplete. The DPO only (403).
    /// </remarks>
    [ProducesResponseType<AccessLogHeadCheck>(StatusCodes.Status200OK)]
    [ProducesProblems(400, 403)]
    [WolverinePost("/api/dpo/access-log/verification/head")]
    public static async Task<IResult> Post(SignedAccessLogHead request, Caller caller, AccessLogVerifier verifier, CancellationToken ct)
    {
        if (caller.Role != Role.Dpo) return Problems.Forbidden("Only the school's data protection officer verifies the access log.");
        var validation = new Validation();
        if (request?.Head is null) validation.Add("head", "is required.");
        else
        {
            if (request.Head.Seq < 1) validation.Add("head.seq", "must be an entry number (1 or more).");
            if (request.Head.Hash is not { Length: 64 } hash || !hash.All(Uri.IsHexDigit)) validation.Add("head.hash", "must be a SHA-256 in hex (64 characters).");
        }

        if (request?.Signature is null || request.Signature.Signature is not { Length: <= 200 } || request.Signature.KeyId is not { Length: <= 200 }
            || request.Signature.Algorithm is not { Length: <= 20 })
        {
            validation.Add("signature", "is required (keyId, algorithm, signature).");
        }

        if (!validation.IsValid) return validation.ToResult();
        return Results.Ok(await verifier.CheckHeadAsync(caller.SchoolId, request!, ct));
    }
}
