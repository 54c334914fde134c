using ClassComms.Accounts;
using ClassComms.PersonalData;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Wolverine.Http;

namespace ClassComms.Guardians;

public sealed record LinkChild(string Code);

/// <summary>
/// The child is linked to <see cref="GuardianId"/>, the guardian's membership in <see cref="SchoolId"/>. When that is not
/// the school of the caller's token (<see cref="SwitchRequired"/>), the client switches to it
/// (<c>POST /api/auth/switch-school</c>) to see the child.
/// </summary>
public sealed record ChildLinked(Guid StudentId, Guid SchoolId, Guid GuardianId, bool SwitchRequired);

/// <summary>
/// A signed-in guardian adds another child with a parent code. A code from their own school links the child to their
/// membership; a code from another school links it to their guardian membership there, created on their login if they
/// have none yet (their name copied, sealed under the new membership's key). Rate-limited.
/// </summary>
public static class LinkChildEndpoint
{
    /// <summary>Link another child with a parent code (a code of another school adds a membership there).</summary>
    [EnableRateLimiting(GuardiansConfiguration.RedemptionPolicy)]
    [ProducesResponseType<ChildLinked>(StatusCodes.Status200OK)]
    [ProducesProblems(403, 409)]
    [WolverinePost("/api/guardians/me/children")]
    public static async Task<IResult> Post(LinkChild request, Caller caller, IDocumentStore store, ParentCodeRedemption redemption,
        AccountFactory accounts, PersonalDataVault vault, CancellationToken ct)
    {
        if (caller.Role != Role.Guardian) return Problems.Forbidden("Only guardians redeem parent codes.");
        if (string.IsNullOrWhiteSpace(request.Code)) return Problems.Invalid("code", "is required.");

        await using var lookup = store.QuerySession();
        var parentCode = await redemption.FindUsableAsync(lookup, request.Code, ct);
        if (parentCode is null) return ParentCodeRedemption.InvalidCode();

        return await AccountFactory.RetryOnDuplicateAsync(async () =>
        {
            await using var session = store.LightweightSession(Ids.Tenant(parentCode.SchoolId));
            var current = await session.LoadAsync<UserAccount>(caller.UserId, ct);
            if (current is not { ErasedAt: null }) return Problems.Unauthorized();
            var guardian = current;
            if (parentCode.SchoolId != caller.SchoolId)
            {
                var login = await session.LoadAsync<LoginAccount>(current.LoginId, ct);
                if (login is not { ErasedAt: null }) return Problems.Unauthorized();
                // The name as this school knows it; an erased one (key gone) cannot be copied.
                if (await vault.UnsealAsync(current.Name, ct) is not { } name) return Problems.Unauthorized();
                guardian = await accounts.AddMembershipAsync(session, login, parentCode.SchoolId, Role.Guardian, name, ct);
            }

            if (!await redemption.LinkAsync(session, parentCode, guardian.Id, ct)) return ParentCodeRedemption.InvalidCode();
            await session.SaveChangesAsync(ct);
            return Results.Ok(new ChildLinked(parentCode.StudentId, parentCode.SchoolId, guardian.Id, guardian.Id != caller.UserId));
        });
    }
}
