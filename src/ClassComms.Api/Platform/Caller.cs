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

/// <summary>Who is calling: opaque ids only, taken from the validated bearer token.</summary>
public sealed record Caller(Guid UserId, Guid SchoolId, Role Role)
{
    public const string SchoolClaim = "school";
    public const string RoleClaim = "role";
    public const string SubjectClaim = "sub";

    public string Tenant => Ids.Tenant(SchoolId);

    public bool IsStaff => Role is Role.Teacher or Role.Leader or Role.Dpo;

    public bool IsTeacherOrLeader => Role is Role.Teacher or Role.Leader;

    public static Caller? From(ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true) return null;
        return Guid.TryParse(user.FindFirstValue(SubjectClaim), out var id)
               && Guid.TryParse(user.FindFirstValue(SchoolClaim), out var school)
               && Enum.TryParse<Role>(user.FindFirstValue(RoleClaim), ignoreCase: true, out var role)
            ? new Caller(id, school, role)
            : null;
    }

    /// <summary>Resolves the caller or throws; endpoints require authentication, so this only fails on a forged token shape.</summary>
    public static Caller Of(ClaimsPrincipal user) =>
        From(user) ?? throw new UnauthorizedAccessException("The bearer token lacks ClassComms claims.");
}
