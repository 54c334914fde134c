using ClassComms.PersonalData;
using ClassComms.Platform;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;

namespace ClassComms.Accounts;

public sealed record Login(string Email, string Password);

public sealed record LoginSucceeded(string Token, DateTimeOffset ExpiresAt, Guid UserId, Guid SchoolId, string Role);

public static class LoginEndpoint
{
    [AllowAnonymous]
    [WolverinePost("/api/auth/login")]
    public static async Task<IResult> Post(Login request, IQuerySession session, BlindIndex index, TokenIssuer tokens, CancellationToken ct)
    {
        var validation = new Validation().Require(request.Email, "email", 254);
        if (string.IsNullOrEmpty(request.Password)) validation.Add("password", "is required.");
        if (!validation.IsValid) return validation.ToResult();

        var emailIndex = index.Of(AccountFactory.EmailPurpose, request.Email);
        var account = await session.Query<UserAccount>().FirstOrDefaultAsync(a => a.EmailIndex == emailIndex, ct);
        if (account is null || account.ErasedAt is not null || !AccountFactory.Verify(account, request.Password))
        {
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized.",
                detail: "The e-mail or password is wrong.");
        }

        var (token, expires) = tokens.Issue(account.Id, account.SchoolId, account.Role);
        return Results.Ok(new LoginSucceeded(token, expires, account.Id, account.SchoolId, account.Role.ToString().ToLowerInvariant()));
    }
}
