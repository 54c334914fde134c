using ClassComms.Platform;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.ErasureRequests;

/// <summary>
/// The DPO downloads an erasure certificate: the stored file as it was signed (JSON). Read from the store beside the erasure ledger,
/// so it answers after a database restore too. Verify it offline with <c>verify-certificate &lt;file&gt; --public-key &lt;pem&gt;</c>.
/// </summary>
public static class GetErasureCertificateEndpoint
{
    /// <summary>An erasure request's signed certificate (DPO): 404 until the erasure is complete.</summary>
    [ProducesResponseType<ErasureCertificateDocument>(StatusCodes.Status200OK)]
    [ProducesProblems(403)]
    [WolverineGet("/api/erasure-requests/{requestId}/certificate")]
    public static async Task<IResult> Get(Guid requestId, Caller caller, ErasureCertificates certificates, CancellationToken ct)
    {
        if (caller.Role != Role.Dpo) return Problems.Forbidden("Only the school's data protection officer reads erasure certificates.");
        var file = await certificates.ReadAsync(caller.SchoolId, requestId, ct);
        return file is null ? Problems.NotFound("erasure certificate") : Results.Bytes(file, "application/json");
    }
}

/// <summary>The shape of the certificate file (for the API description): the certificate and its detached signature.</summary>
public sealed record ErasureCertificateDocument(ErasureCertificate Certificate, Dpo.DetachedSignature Signature);
