using ClassComms.PersonalData;

namespace ClassComms.StudentAccounts;

/// <summary>
/// A student's registration with a class code, waiting for the class teacher (or a leader). Ids, times and state only, apart from the
/// name the student typed, sealed under the key of the student id reserved for them (<see cref="StudentId"/>): approved as a new
/// student, the same sealed value becomes the student's name; refused, that key is destroyed. <see cref="CodeIndex"/> is the keyed hash
/// of the student's own login code (shown once, at registration), which signs in only once the registration is approved. Global (like
/// <see cref="StudentLoginCode"/>), so an anonymous sign-in with a pending code finds it.
/// </summary>
public sealed class StudentRegistration
{
    public const string Pending = "pending";
    public const string Approved = "approved";
    public const string Refused = "refused";

    /// <summary>Not decided within <see cref="RegisterStudentEndpoint.Lifetime"/>: its name's key destroyed as for a refusal.</summary>
    public const string Expired = "expired";

    public Guid Id { get; set; }
    public Guid SchoolId { get; set; }
    public Guid ClassId { get; set; }
    public Guid ClassCodeId { get; set; }

    /// <summary>The student id reserved for a new student; the sealed name's vault subject.</summary>
    public Guid StudentId { get; set; }

    public Sealed Name { get; set; } = null!;
    public string CodeIndex { get; set; } = "";
    public string State { get; set; } = Pending;
    public DateTimeOffset RegisteredAt { get; set; }

    /// <summary>Still pending at this time, the registration expires (<see cref="ExpireStudentRegistrationHandler"/>, scheduled durably at registration).</summary>
    public DateTimeOffset ExpiresAt { get; set; }
    public Guid? DecidedBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }

    /// <summary>Approved: the student the account belongs to (the reserved id, or an enrolled student the teacher matched).</summary>
    public Guid? ApprovedStudentId { get; set; }
}
