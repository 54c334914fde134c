using ClassComms.Platform;
using ClassComms.PersonalData;

namespace ClassComms.Accounts;

/// <summary>
/// A login. Global (not per school) so login can find it; every query of it also filters on <see cref="SchoolId"/>.
/// The e-mail is found through a keyed blind index and stored only sealed with the user's own key.
/// </summary>
public sealed class UserAccount
{
    public Guid Id { get; set; }
    public Guid SchoolId { get; set; }
    public Role Role { get; set; }
    public string EmailIndex { get; set; } = "";
    public Sealed Email { get; set; } = null!;
    public Sealed Name { get; set; } = null!;
    public string PasswordHash { get; set; } = "";

    /// <summary>Random; every access token carries it and a change ends all the account's sessions (see <see cref="SessionRevocation"/>).</summary>
    public string SecurityStamp { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ErasedAt { get; set; }
}
