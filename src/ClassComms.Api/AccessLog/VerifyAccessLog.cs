using ClassComms.Platform;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.AccessLog;

public static class VerifyAccessLogEndpoint
{
    /// <summary>The DPO verifies the school's access log chain and learns its first broken link, if any.</summary>
    /// <remarks>
    /// Walks every entry of the school in order and recomputes each link from the stored (sealed) values; nothing is decrypted,
    /// so erased students' entries verify too. <c>intact: false</c> names the first broken entry (<c>firstBrokenSeq</c>).
    /// When intact, <c>signedHead</c> is the head (last entry's number and hash, the school, the time) signed with the school's ES256 key
    /// (<c>GET /api/school/signing-key</c>): keep it; <c>POST /api/dpo/access-log/verification/head</c> (or <c>verify-access-log --head</c>)
    /// later tells whether the log still contains it. After retention, the walk starts from the signed <c>anchor</c>.
    /// </remarks>
    [ProducesResponseType<AccessLogVerification>(StatusCodes.Status200OK)]
    [ProducesProblems(403)]
    [WolverineGet("/api/dpo/access-log/verification")]
    public static async Task<IResult> Get(Caller caller, AccessLogVerifier verifier, CancellationToken ct)
    {
        if (caller.Role != Role.Dpo) return Problems.Forbidden("Only the school's data protection officer verifies the access log.");
        return Results.Ok(await verifier.VerifyAsync(caller.SchoolId, ct));
    }
}
