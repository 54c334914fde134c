using System.Security.Claims;
using System.Text;
using ClassComms.Platform;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ClassComms.Accounts;

public sealed class AuthOptions
{
    public const string Section = "Auth";
    public string SigningKey { get; set; } = "";
    public string Issuer { get; set; } = "classcomms";
    public string Audience { get; set; } = "classcomms";
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(8);

    public SymmetricSecurityKey Key()
    {
        var bytes = Encoding.UTF8.GetBytes(SigningKey);
        return bytes.Length >= 32
            ? new SymmetricSecurityKey(bytes)
            : throw new InvalidOperationException("Auth:SigningKey must be at least 32 characters.");
    }
}

/// <summary>Issues bearer tokens carrying opaque ids only (no names, no e-mail).</summary>
public sealed class TokenIssuer(IOptions<AuthOptions> options, TimeProvider clock)
{
    private readonly JsonWebTokenHandler _handler = new();
    private readonly SigningCredentials _credentials = new(options.Value.Key(), SecurityAlgorithms.HmacSha256);

    public (string Token, DateTimeOffset ExpiresAt) Issue(Guid userId, Guid schoolId, Role role)
    {
        var now = clock.GetUtcNow();
        var expires = now + options.Value.TokenLifetime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Value.Issuer,
            Audience = options.Value.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = _credentials,
            Subject = new ClaimsIdentity(
            [
                new Claim(Caller.SubjectClaim, userId.ToString()),
                new Claim(Caller.SchoolClaim, schoolId.ToString()),
                new Claim(Caller.RoleClaim, role.ToString().ToLowerInvariant()),
            ]),
        });
        return (token, expires);
    }
}
