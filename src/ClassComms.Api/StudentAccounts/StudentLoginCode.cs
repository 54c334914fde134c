using System.Security.Cryptography;

namespace ClassComms.StudentAccounts;

/// <summary>
/// A student's login code: the secret a student signs in with, without an e-mail (printed on a class sheet, or as a QR code
/// the client renders from the same code). Only its keyed hash is stored (the id, a blind index like a parent code's), never
/// the code, which is shown once. A student has at most one live code: issuing another revokes the older one. Global, so an
/// anonymous sign-in can find its school.
/// </summary>
public sealed class StudentLoginCode
{
    public const string Purpose = "student-login-code";

    public string Id { get; set; } = "";
    public Guid CodeId { get; set; }
    public Guid SchoolId { get; set; }
    public Guid StudentId { get; set; }

    /// <summary>The student's membership (<see cref="Accounts.UserAccount"/> with role student) the code signs in to.</summary>
    public Guid MembershipId { get; set; }
    public Guid IssuedBy { get; set; }
    public DateTimeOffset IssuedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>The student's last sign-in with this code (activity for the inactive-account retention policy, Retention/); null: never.</summary>
    public DateTimeOffset? LastSignInAt { get; set; }

    public bool Live => RevokedAt is null;

    private const string Alphabet = "ABCDEFGHJKMNPQRSTVWXYZ23456789"; // no 0/O, 1/I/L, U

    /// <summary>16 random characters from a 30-symbol alphabet (~78 bits: it does not expire), shown as XXXX-XXXX-XXXX-XXXX.</summary>
    public static string NewCode()
    {
        var chars = RandomNumberGenerator.GetItems<char>(Alphabet, 16);
        return string.Join('-', Enumerable.Range(0, 4).Select(i => new string(chars, i * 4, 4)));
    }

    /// <summary>Codes are compared without dashes, spaces or case.</summary>
    public static string Normalise(string code) => new(code.Where(char.IsLetterOrDigit).Select(char.ToUpperInvariant).ToArray());
}
