using ClassComms.PersonalData;
using ClassComms.Platform;
using Marten;

namespace ClassComms.Accounts;

/// <summary>
/// What a registration waiting for confirmation and a staff invitation share: a membership to be (<see cref="MembershipId"/>)
/// whose e-mail is sealed under that membership's key, a one-time token mailed once and kept only as its SHA-256, and an
/// expiry.
/// </summary>
public interface IPendingMembership
{
    Guid MembershipId { get; }
    Guid SchoolId { get; }
    Sealed Email { get; }
    string? TokenHash { get; set; }
    DateTimeOffset ExpiresAt { get; }
}

/// <summary>What the mail of a pending membership needs: the address, the token, and whether the address already has a login.</summary>
public sealed record IssuedToken<T>(T Pending, string Email, string Token, bool HasLogin);

public static class PendingMemberships
{
    /// <summary>
    /// Makes the one-time token of pending <paramref name="id"/> and commits its hash; null when it is gone, its token was
    /// already made (the message ran before) or its e-mail no longer opens.
    /// </summary>
    public static async Task<IssuedToken<T>?> IssueTokenAsync<T>(IDocumentSession session, PersonalDataVault vault, AccountFactory accounts,
        Guid id, CancellationToken ct) where T : class, IPendingMembership
    {
        var pending = await session.LoadAsync<T>(id, ct);
        if (pending is null || pending.TokenHash is not null) return null;
        if (await vault.UnsealAsync(pending.Email, ct) is not { } email) return null;

        var hasLogin = await accounts.FindLoginAsync(session, email, ct) is not null;
        var (token, hash) = RefreshToken.New();
        pending.TokenHash = hash;
        session.Store(pending);
        await session.SaveChangesAsync(ct);
        return new IssuedToken<T>(pending, email, token, hasLogin);
    }

    /// <summary>Deletes pending <paramref name="id"/> at its expiry and, unless it became a membership, destroys the key of that membership.</summary>
    public static async Task ExpireAsync<T>(IDocumentSession session, PersonalDataVault vault, Guid id, CancellationToken ct)
        where T : class, IPendingMembership
    {
        var pending = await session.LoadAsync<T>(id, ct);
        if (pending is null) return;
        session.Delete(pending);
        await session.SaveChangesAsync(ct);
        if (await session.LoadAsync<UserAccount>(pending.MembershipId, ct) is null)
        {
            await vault.EraseAsync(Ids.Tenant(pending.SchoolId), pending.MembershipId, pending.MembershipId, ct);
        }
    }
}
