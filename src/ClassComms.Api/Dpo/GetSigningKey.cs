using ClassComms.Platform;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace ClassComms.Dpo;

/// <summary>The school's public signing key (<c>thumbprint</c>: lower-case hex SHA-256 of its DER SubjectPublicKeyInfo, the <c>keyId</c> every signature names): what a recipient of an export or a certificate verifies it with, offline.</summary>
public sealed record SigningKeyView(string Thumbprint, string Algorithm, string PublicKeyPem, DateTimeOffset CreatedAt);

public static class GetSigningKeyEndpoint
{
    /// <summary>The school's public signing key (any member of the school; it is created on first use).</summary>
    [ProducesResponseType<SigningKeyView>(StatusCodes.Status200OK)]
    [WolverineGet("/api/school/signing-key")]
    public static async Task<IResult> Get(Caller caller, SchoolSigning signing, CancellationToken ct)
    {
        var key = await signing.KeyOfAsync(caller.SchoolId, ct);
        return Results.Ok(new SigningKeyView(key.KeyId, SchoolSigning.Algorithm, SchoolSigning.PemOf(key), key.CreatedAt));
    }
}
