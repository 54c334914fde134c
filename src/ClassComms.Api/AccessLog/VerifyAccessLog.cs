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
    /// Keep <c>headHash</c>: a later verification whose chain does not pass through it means the log was rewritten.
    /// </remarks>
    [ProducesResponseType<AccessLogVerification>(StatusCodes.Status200OK)]
    [ProducesProblems(403)]
    [WolverineGet("/api/dpo/access-log/verification")]
    public static async Task<IResult> Get(Caller caller, ClassCommsDatabase database, CancellationToken ct)
    {
        if (caller.Role != Role.Dpo) return Problems.Forbidden("Only the school's data protection officer verifies the access log.");
        return Results.Ok(await AccessLogChain.VerifyAsync(database.DataSource, caller.SchoolId, ct));
    }
}
