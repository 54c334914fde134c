using ClassComms.PersonalData;
using ClassComms.Platform;
using ClassComms.Schools;
using Marten;

namespace ClassComms.Accounts;

/// <summary>Creates logins: e-mail and name sealed with the new user's key, password hashed, e-mail found by blind index.</summary>
public sealed class AccountFactory(PersonalDataVault vault, BlindIndex index, TimeProvider clock)
{
    public const string EmailPurpose = "login-email";

    public void Validate(Validation validation, NewPerson person, string prefix)
    {
        string Field(string name) => prefix.Length == 0 ? name : $"{prefix}.{name}";
        validation.Require(person.Name, Field("name"), 200)
            .Email(person.Email, Field("email"))
            .Password(person.Password, Field("password"));
    }

    /// <summary>Stages the account in <paramref name="session"/>; null when the e-mail is taken.</summary>
    public async Task<UserAccount?> CreateAsync(IDocumentSession session, Guid schoolId, Role role, NewPerson person, CancellationToken ct)
    {
        // Taken under any lookup-key version, not only the current one.
        var candidates = index.AllOf(EmailPurpose, person.Email).ToArray();
        var emailIndex = candidates[0];
        if (await session.Query<UserAccount>().AnyAsync(a => a.EmailIndex.IsOneOf(candidates), ct)) return null;

        var id = Guid.CreateVersion7();
        var tenant = Ids.Tenant(schoolId);
        var account = new UserAccount
        {
            Id = id,
            SchoolId = schoolId,
            Role = role,
            EmailIndex = emailIndex,
            Email = await vault.SealAsync(tenant, id, "account.email", person.Email.Trim(), ct),
            Name = await vault.SealAsync(tenant, id, "account.name", person.Name.Trim(), ct),
            SecurityStamp = SecurityStamps.New(),
            CreatedAt = clock.GetUtcNow(),
        };
        account.PasswordHash = Passwords.Hash(account, person.Password);
        session.Store(account);
        return account;
    }
}
