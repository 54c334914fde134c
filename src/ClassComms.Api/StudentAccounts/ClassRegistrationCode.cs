using System.Security.Cryptography;

namespace ClassComms.StudentAccounts;

/// <summary>
/// A class code: the secret a teacher writes on the board so the class's students can register themselves
/// (<see cref="RegisterStudentEndpoint"/>). Only its keyed hash is stored (the id, a blind index), never the code, which is shown once.
/// A class has at most one live code: a new one revokes the older one. Global, so an anonymous registration can find its school.
/// A registration made with it waits for the teacher's approval (<see cref="StudentRegistration"/>).
/// </summary>
public sealed class ClassRegistrationCode
{
    public const string Purpose = "class-registration-code";

    public string Id { get; set; } = "";
    public Guid CodeId { get; set; }
    public Guid SchoolId { get; set; }
    public Guid ClassId { get; set; }
    public Guid IssuedBy { get; set; }
    public DateTimeOffset IssuedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }

    private const string Alphabet = "ABCDEFGHJKMNPQRSTVWXYZ23456789"; // as StudentLoginCode: no 0/O, 1/I/L, U

    /// <summary>
    /// 8 random characters (~39 bits), shown as XXXX-XXXX: short enough to copy from a board. Guessing is throttled per code and
    /// per address, a registration only ever waits for the teacher, and the teacher rotates or stops the code at any time.
    /// </summary>
    public static string NewCode()
    {
        var chars = RandomNumberGenerator.GetItems<char>(Alphabet, 8);
        return $"{new string(chars, 0, 4)}-{new string(chars, 4, 4)}";
    }
}
