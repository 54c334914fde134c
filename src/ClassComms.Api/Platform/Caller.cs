using System.Security.Claims;

namespace ClassComms.Platform;

public enum Role
{
    Teacher,
    Leader,
    Guardian,
    Student,
    Dpo,
}

/// <summary>
/// Who is calling: opaque ids only, taken from the validated bearer token. <see cref="UserId"/> is the caller's membership in
/// <see cref="SchoolId"/>; <see cref="StudentId"/> is the one student a <see cref="Role.Student"/> membership belongs to (null otherwise).
/// </summary>
public sealed record Caller(Guid UserId, Guid SchoolId, Role Role, Guid? StudentId = null)
{
    public const string SchoolClaim = "school";
    public const string RoleClaim = "role";
    public const string SubjectClaim = "sub";

    /// <summary>The login (one per person across schools); <c>sub</c> is the membership in the school of <c>school</c>.</summary>
    public const string LoginClaim = "lid";

    /// <summary>The student a student membership belongs to (tokens of student accounts only).</summary>
    public const string StudentClaim = "stu";

    public string Tenant => Ids.Tenant(SchoolId);

    public bool IsStaff => Role is Role.Teacher or Role.Leader or Role.Dpo;

    public bool IsTeacherOrLeader => Role is Role.Teacher or Role.Leader;

    /// <summary>True when the caller is the student account of <paramref name="studentId"/>.</summary>
    public bool IsStudent(Guid studentId) => Role == Role.Student && StudentId == studentId;

    public static Caller? From(ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true) return null;
        return Guid.TryParse(user.FindFirstValue(SubjectClaim), out var id)
               && Guid.TryParse(user.FindFirstValue(SchoolClaim), out var school)
               && Enum.TryParse<Role>(user.FindFirstValue(RoleClaim), ignoreCase: true, out var role)
            ? new Caller(id, school, role, role == Role.Student && Guid.TryParse(user.FindFirstValue(StudentClaim), out var student) ? student : null)
            : null;
    }

    /// <summary>The login id of a token (<see cref="LoginClaim"/>), or null.</summary>
    public static Guid? LoginIdOf(ClaimsPrincipal user) => Guid.TryParse(user.FindFirstValue(LoginClaim), out var id) ? id : null;

    /// <summary>Resolves the caller or throws; endpoints require authentication, so this only fails on a forged token shape.</summary>
    public static Caller Of(ClaimsPrincipal user) =>
        From(user) ?? throw new UnauthorizedAccessException("The bearer token lacks ClassComms claims.");
}
