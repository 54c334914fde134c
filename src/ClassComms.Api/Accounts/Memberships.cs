using ClassComms.PersonalData;
using ClassComms.Schools;
using Marten;

namespace ClassComms.Accounts;

/// <summary>One school context a person can sign in to: the membership id (the token's <c>sub</c> there), the school and the role.</summary>
/// <remarks><c>SchoolName</c> is null once the school's own key is destroyed (<see cref="ShredSchool"/>).</remarks>
public sealed record MembershipView(Guid UserId, Guid SchoolId, string? SchoolName, string Role);

/// <summary>A login's live memberships, oldest first, and the choice of the one a sign-in starts in.</summary>
public static class Memberships
{
    public static async Task<IReadOnlyList<UserAccount>> LiveAsync(IQuerySession session, Guid loginId, CancellationToken ct) =>
        (await session.Query<UserAccount>().Where(m => m.LoginId == loginId && m.ErasedAt == null && m.RemovedAt == null).ToListAsync(ct))
        .OrderBy(m => m.CreatedAt).ThenBy(m => m.Id).ToList();

    /// <summary>The views of <paramref name="memberships"/>, with the school names opened (null once a school is shredded).</summary>
    public static async Task<IReadOnlyList<MembershipView>> ViewsAsync(IQuerySession session, PersonalDataVault vault,
        IReadOnlyList<UserAccount> memberships, CancellationToken ct)
    {
        var schools = (await session.LoadManyAsync<School>(ct, memberships.Select(m => m.SchoolId).Distinct())).ToDictionary(s => s.Id);
        var views = new List<MembershipView>(memberships.Count);
        foreach (var m in memberships)
        {
            var name = schools.GetValueOrDefault(m.SchoolId) is { } school ? await school.NameAsync(vault, ct) : null;
            views.Add(new MembershipView(m.Id, m.SchoolId, name, m.Role.ToString().ToLowerInvariant()));
        }

        return views;
    }

    /// <summary>The last one used if it is still live, else the oldest.</summary>
    public static UserAccount? Choose(LoginAccount login, IReadOnlyList<UserAccount> memberships) =>
        memberships.FirstOrDefault(m => m.Id == login.LastMembershipId) ?? memberships.FirstOrDefault();
}
