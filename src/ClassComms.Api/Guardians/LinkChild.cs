using System.Security.Claims;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.RateLimiting;
using Wolverine.Http;

namespace ClassComms.Guardians;

public sealed record LinkChild(string Code);

public sealed record ChildLinked(Guid StudentId);

/// <summary>A signed-in guardian adds another child with a parent code from their own school. Rate-limited.</summary>
public static class LinkChildEndpoint
{
    [EnableRateLimiting(GuardiansConfiguration.RedemptionPolicy)]
    [WolverinePost("/api/guardians/me/children")]
    public static async Task<IResult> Post(LinkChild request, ClaimsPrincipal user, IDocumentSession session,
        ParentCodeRedemption redemption, CancellationToken ct)
    {
        var caller = Caller.Of(user);
        if (caller.Role != Role.Guardian) return Problems.Forbidden("Only guardians redeem parent codes.");
        if (string.IsNullOrWhiteSpace(request.Code)) return Problems.Invalid("code", "is required.");

        var parentCode = await redemption.FindUsableAsync(session, request.Code, ct);
        if (parentCode is null || parentCode.SchoolId != caller.SchoolId) return ParentCodeRedemption.InvalidCode();
        if (!await redemption.LinkAsync(session, parentCode, caller.UserId, ct)) return ParentCodeRedemption.InvalidCode();
        return Results.Ok(new ChildLinked(parentCode.StudentId));
    }
}
