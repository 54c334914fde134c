using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Schools;
using Marten;

namespace ClassComms.Accounts;

/// <summary>
/// Creates logins and memberships. A login: e-mail sealed under the login's own key, found by blind index, password
/// hashed. A membership: role and name (sealed under the membership's key) in one school, linked to a login.
/// </summary>
public sealed class AccountFactory(PersonalDataVault vault, BlindIndex index, TimeProvider clock, Passwords passwords)
{
    public const string EmailPurpose = "login-email";

    public void Validate(Validation validation, NewPerson person, string prefix)
    {
        string Field(string name) => prefix.Length == 0 ? name : $"{prefix}.{name}";
        validation.Require(person.Name, Field("name"), 200)
            .Email(person.Email, Field("email"))
            .Password(person.Password, Field("password"));
    }

    /// <summary>The live login of <paramref name="email"/> under any lookup-key version, or null.</summary>
    public async Task<LoginAccount?> FindLoginAsync(IQuerySession session, string email, CancellationToken ct)
    {
        var candidates = index.AllOf(EmailPurpose, email).ToArray();
        return await session.Query<LoginAccount>().FirstOrDefaultAsync(a => a.EmailIndex.IsOneOf(candidates) && a.ErasedAt == null, ct);
    }

    /// <summary>
    /// Stages a membership of <paramref name="person"/> in the school: on the e-mail's existing login if there is one (its
    /// password is never changed; the one given is ignored), else on a new login with that password. A membership the login
    /// already has in that school with that role is returned as it is.
    /// </summary>
    public async Task<UserAccount> CreateAsync(IDocumentSession session, Guid schoolId, Role role, NewPerson person, CancellationToken ct)
    {
        var login = await FindLoginAsync(session, person.Email, ct) ?? await NewLoginAsync(session, person.Email, person.Password, ct);
        return await AddMembershipAsync(session, login, schoolId, role, person.Name, ct);
    }

    /// <summary>Stages a new login (the caller has checked that the e-mail has none; the unique index refuses a race).</summary>
    public async Task<LoginAccount> NewLoginAsync(IDocumentSession session, string email, string password, CancellationToken ct)
    {
        var login = await NewLoginWithHashAsync(session, email, "", ct);
        login.PasswordHash = passwords.Hash(login, password);
        return login;
    }

    /// <summary>Stages a new login whose password hash was computed earlier (a confirmed registration).</summary>
    public async Task<LoginAccount> NewLoginWithHashAsync(IDocumentSession session, string email, string passwordHash, CancellationToken ct)
    {
        var id = Guid.CreateVersion7();
        var login = new LoginAccount
        {
            Id = id,
            EmailIndex = index.Of(EmailPurpose, email),
            Email = await vault.SealAsync(LoginAccount.Tenant, id, "login.email", email.Trim(), ct),
            PasswordHash = passwordHash,
            SecurityStamp = SecurityStamps.New(),
            CreatedAt = clock.GetUtcNow(),
        };
        session.Store(login);
        return login;
    }

    /// <summary>
    /// Runs <paramref name="attempt"/> (which opens its own session, stages and commits) and, if its commit is refused by a
    /// unique index (a login or a live membership created by a simultaneous request for the same e-mail and school), once
    /// more: the second attempt finds and reuses what the other request created, so both succeed with one login and one
    /// membership. A second refusal goes to the 409 of <see cref="ProblemExceptionHandler"/>.
    /// </summary>
    public static async Task<IResult> RetryOnDuplicateAsync(Func<Task<IResult>> attempt)
    {
        try
        {
            return await attempt();
        }
        catch (Exception e) when (ProblemExceptionHandler.IsUniqueViolation(e))
        {
            return await attempt();
        }
    }

    /// <summary>The login's live membership in the school with the role, or a new one (name sealed under its own key), staged.</summary>
    public async Task<UserAccount> AddMembershipAsync(IDocumentSession session, LoginAccount login, Guid schoolId, Role role, string name,
        CancellationToken ct, Guid? membershipId = null, Sealed? sealedName = null)
    {
        var existing = await session.Query<UserAccount>()
            .FirstOrDefaultAsync(m => m.LoginId == login.Id && m.SchoolId == schoolId && m.Role == role && m.ErasedAt == null && m.RemovedAt == null, ct);
        if (existing is not null) return existing;

        var id = membershipId ?? Guid.CreateVersion7();
        var membership = new UserAccount
        {
            Id = id,
            LoginId = login.Id,
            SchoolId = schoolId,
            Role = role,
            SecurityStamp = SecurityStamps.New(),
            Name = sealedName ?? await vault.SealAsync(Ids.Tenant(schoolId), id, "account.name", name.Trim(), ct),
            CreatedAt = clock.GetUtcNow(),
        };
        session.Store(membership);
        return membership;
    }
}
