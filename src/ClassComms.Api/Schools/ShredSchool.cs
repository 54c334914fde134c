using ClassComms.PersonalData;
using ClassComms.Platform;

namespace ClassComms.Schools;

/// <summary>
/// Internal operation (no HTTP endpoint): destroys every key of the school's own free text, on every node, so class and skill
/// names no longer open anywhere, backups included. The people of the school keep their own keys; the whole "a school leaves"
/// workflow (people, media, ledger, accounts) is issue 9.
/// </summary>
public static class ShredSchool
{
    public static Task ShredTextAsync(PersonalDataVault vault, Guid schoolId, Guid requestedBy, CancellationToken ct) =>
        vault.EraseAsync(Ids.Tenant(schoolId), schoolId, requestedBy, ct);
}
