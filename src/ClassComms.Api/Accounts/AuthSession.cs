using System.Security.Cryptography;
using Marten.Schema;

namespace ClassComms.Accounts;

/// <summary>
/// One sign-in of one membership (a refresh-token family): every access token issued for it carries its id (<c>sid</c>)
/// and the login's and the membership's security stamps at sign-in. Logout or detected refresh-token reuse revokes it; a
/// changed stamp (of the login or of this membership) ends it too.
/// Ids only: no address, no device name.
/// </summary>
public sealed class AuthSession
{
    public Guid Id { get; set; }
    /// <summary>The membership (token <c>sub</c>).</summary>
    public Guid UserId { get; set; }
    public Guid LoginId { get; set; }
    public Guid SchoolId { get; set; }
    public string Stamp { get; set; } = "";
    public string MembershipStamp { get; set; } = "";
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}

/// <summary>
/// A refresh token, stored only as its SHA-256 (the token is 256 random bits, shown once). One-time use: using it marks it
/// used (optimistic concurrency makes two concurrent uses one success and one reuse) and issues its successor.
/// </summary>
[UseOptimisticConcurrency]
public sealed class RefreshToken
{
    /// <summary>Hex SHA-256 of the token.</summary>
    public string Id { get; set; } = "";
    public Guid SessionId { get; set; }
    public Guid UserId { get; set; }
    public Guid LoginId { get; set; }
    public DateTimeOffset IssuedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }

    [Version]
    public Guid Version { get; set; }

    /// <summary>A new random token and the id under which it is stored.</summary>
    public static (string Token, string Id) New()
    {
        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        return (token, IdOf(token));
    }

    public static string IdOf(string token) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

public static class SecurityStamps
{
    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
