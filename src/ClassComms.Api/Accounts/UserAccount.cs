using ClassComms.Platform;
using ClassComms.PersonalData;

namespace ClassComms.Accounts;

/// <summary>
/// A membership: one person's place in one school (role, name). Its id is the token's <c>sub</c> and every id of a
/// person elsewhere (<see cref="Caller.UserId"/>, guardian links, senders). The name is sealed under the membership's
/// own key, so erasing the membership in one school shreds what that school holds and nothing else. Global (not per
/// school) so sign-in can list a login's memberships; every query of it also filters on <see cref="SchoolId"/>.
/// </summary>
public sealed class UserAccount
{
    public Guid Id { get; set; }

    /// <summary>The <see cref="LoginAccount"/> this membership signs in with.</summary>
    public Guid LoginId { get; set; }
    public Guid SchoolId { get; set; }
    public Role Role { get; set; }

    /// <summary>The student a <see cref="Role.Student"/> membership belongs to (StudentAccounts/); null for everyone else.</summary>
    public Guid? StudentId { get; set; }
    public Sealed Name { get; set; } = null!;

    /// <summary>
    /// Random; every access token of this membership carries it (<c>mstamp</c>). A change ends this membership's sessions
    /// only (an unlinking or a restriction in its school), not those of the login's other memberships; the login's own
    /// <see cref="LoginAccount.SecurityStamp"/> ends them all (password change or reset).
    /// </summary>
    public string SecurityStamp { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ErasedAt { get; set; }

    /// <summary>
    /// A leader removed this staff membership from the school (<see cref="StaffMemberRemoved"/>): from then on it fails every session
    /// check, signs in nowhere and counts as no one's colleague, like an erased one — but nothing is erased: its name and what it wrote
    /// stay (erasure is the DPO's separate workflow, which still applies to it).
    /// </summary>
    public DateTimeOffset? RemovedAt { get; set; }

    public Guid? RemovedBy { get; set; }

    /// <summary>Neither erased nor removed: the membership signs in and acts.</summary>
    public bool IsLive => ErasedAt is null && RemovedAt is null;
}

/// <summary>
/// A login: one per person and e-mail, across schools. The e-mail is found through a keyed blind index (unique) and
/// stored only sealed under the login's own key (tenant <see cref="Tenant"/>); the password hash and the security stamp
/// live here, so a password change or reset ends the sessions of every membership. Erased only with its last membership.
/// </summary>
public sealed class LoginAccount
{
    /// <summary>The key-store tenant of logins' own keys (a login belongs to no school).</summary>
    public const string Tenant = "platform";

    public Guid Id { get; set; }
    public string EmailIndex { get; set; } = "";

    /// <summary>Null for a student's login, which has no e-mail (it signs in with a login code, StudentAccounts/).</summary>
    public Sealed? Email { get; set; }
    public string PasswordHash { get; set; } = "";

    /// <summary>Random; every access token carries it and a change ends all the login's sessions, in every school (see <see cref="SessionRevocation"/>).</summary>
    public string SecurityStamp { get; set; } = "";

    /// <summary>The membership the last sign-in or switch chose; sign-in starts there.</summary>
    public Guid? LastMembershipId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ErasedAt { get; set; }
}
