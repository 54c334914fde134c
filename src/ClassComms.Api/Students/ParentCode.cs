using System.Security.Cryptography;

namespace ClassComms.Students;

/// <summary>
/// A single-use, expiring, revocable code a guardian redeems to link to a student. Global so it can be
/// redeemed before the guardian has an account; only its keyed hash is stored (the id), never the code.
/// </summary>
public sealed class ParentCode
{
    public string Id { get; set; } = "";
    public Guid CodeId { get; set; }
    public Guid SchoolId { get; set; }
    public Guid StudentId { get; set; }
    public Guid IssuedBy { get; set; }
    public DateTimeOffset IssuedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public DateTimeOffset? RedeemedAt { get; set; }
    public Guid? RedeemedBy { get; set; }

    public const string Purpose = "parent-code";

    public bool IsUsable(DateTimeOffset now) => RevokedAt is null && RedeemedAt is null && ExpiresAt > now;

    private const string Alphabet = "ABCDEFGHJKMNPQRSTVWXYZ23456789"; // no 0/O, 1/I/L, U

    /// <summary>12 random characters from a 30-symbol alphabet (~59 bits), shown as XXXX-XXXX-XXXX.</summary>
    public static string NewCode()
    {
        var chars = RandomNumberGenerator.GetItems<char>(Alphabet, 12);
        return $"{new string(chars, 0, 4)}-{new string(chars, 4, 4)}-{new string(chars, 8, 4)}";
    }

    /// <summary>Codes are compared without dashes, spaces or case.</summary>
    public static string Normalise(string code) =>
        new(code.Where(char.IsLetterOrDigit).Select(char.ToUpperInvariant).ToArray());
}

public sealed class ParentCodeOptions
{
    public const string Section = "ParentCodes";
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromDays(14);
    public int RedemptionsPerMinute { get; set; } = 5;
}
