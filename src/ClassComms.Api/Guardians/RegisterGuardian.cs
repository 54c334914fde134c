using ClassComms.Accounts;
using ClassComms.Platform;
using ClassComms.Schools;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Wolverine.Http;

namespace ClassComms.Guardians;

public sealed record RegisterGuardian(string Code, string Name, string Email, string Password);

public sealed record GuardianRegistered(Guid GuardianId, Guid StudentId, Guid SchoolId);

/// <summary>A parent creates their account by redeeming the parent code the teacher gave them. Rate-limited.</summary>
public static class RegisterGuardianEndpoint
{
    [AllowAnonymous]
    [EnableRateLimiting(GuardiansConfiguration.RedemptionPolicy)]
    [WolverinePost("/api/guardians/register")]
    public static async Task<IResult> Post(RegisterGuardian request, IDocumentStore store, AccountFactory accounts,
        ParentCodeRedemption redemption, CancellationToken ct)
    {
        var validation = new Validation();
        if (string.IsNullOrWhiteSpace(request.Code)) validation.Add("code", "is required.");
        accounts.Validate(validation, new NewPerson(request.Name, request.Email, request.Password), "");
        if (!validation.IsValid) return validation.ToResult();

        await using var lookup = store.QuerySession();
        var parentCode = await redemption.FindUsableAsync(lookup, request.Code, ct);
        if (parentCode is null) return ParentCodeRedemption.InvalidCode();

        await using var session = store.LightweightSession(Ids.Tenant(parentCode.SchoolId));
        var account = await accounts.CreateAsync(session, parentCode.SchoolId, Role.Guardian,
            new NewPerson(request.Name, request.Email, request.Password), ct);
        if (account is null) return Problems.Conflict("An account with this e-mail already exists; sign in and add the child instead.");
        if (!await redemption.LinkAsync(session, parentCode, account.Id, ct)) return ParentCodeRedemption.InvalidCode();

        await session.SaveChangesAsync(ct);
        return Results.Created("/api/guardians/me/children", new GuardianRegistered(account.Id, parentCode.StudentId, parentCode.SchoolId));
    }
}
