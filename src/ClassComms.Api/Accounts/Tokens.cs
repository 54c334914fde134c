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
    /// <summary>Life of an access token; keep it short, the refresh token renews it.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Life of a refresh token (each use issues a new one); a session also ends after <see cref="SessionLifetime"/>.</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long a node trusts its last look at an account's stamp and a session's revocation (other nodes' changes).</summary>
    public TimeSpan SessionCheckCacheLifetime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>ASP.NET Core Identity's PBKDF2-HMAC-SHA512 default: the default here, and the least the Production environment accepts.</summary>
    public const int DefaultPasswordHashIterations = 100_000;

    /// <summary>
    /// PBKDF2 iterations of new password hashes (<c>Auth:PasswordHashIterations</c>). Raise it as hardware allows; a value below
    /// <see cref="DefaultPasswordHashIterations"/> is refused at start in Production (load drivers run their own API with a lower one
    /// to seed thousands of accounts; a stored hash keeps its own count, so sign-in works across changes).
    /// </summary>
    public int PasswordHashIterations { get; set; } = DefaultPasswordHashIterations;

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
    /// <summary>The session (refresh-token family) the token belongs to.</summary>
    public const string SessionClaim = "sid";

    /// <summary>The login's security stamp when the token was issued.</summary>
    public const string StampClaim = "stamp";

    /// <summary>The membership's security stamp when the token was issued (absent from tokens issued before it existed: empty).</summary>
    public const string MembershipStampClaim = "mstamp";

    private readonly JsonWebTokenHandler _handler = new();
    private readonly SigningCredentials _credentials = new(options.Value.Key(), SecurityAlgorithms.HmacSha256);

    public (string Token, DateTimeOffset ExpiresAt) Issue(LoginAccount login, UserAccount account, Guid sessionId)
    {
        var now = clock.GetUtcNow();
        var expires = now + options.Value.TokenLifetime;
        var claims = new List<Claim>
        {
            new(Caller.SubjectClaim, account.Id.ToString()),
            new(Caller.SchoolClaim, account.SchoolId.ToString()),
            new(Caller.RoleClaim, account.Role.ToString().ToLowerInvariant()),
            new(SessionClaim, sessionId.ToString()),
            new(StampClaim, login.SecurityStamp),
            new(MembershipStampClaim, account.SecurityStamp),
            new(Caller.LoginClaim, login.Id.ToString()),
        };
        if (account.StudentId is { } studentId) claims.Add(new Claim(Caller.StudentClaim, studentId.ToString()));
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Value.Issuer,
            Audience = options.Value.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = _credentials,
            Subject = new ClaimsIdentity(claims),
        });
        return (token, expires);
    }
}
