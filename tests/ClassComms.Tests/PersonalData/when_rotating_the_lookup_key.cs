using ClassComms.Tests.Support;

namespace ClassComms.Tests.PersonalData;

/// <summary>Blind-index keys are versioned: a node with a newer lookup key still finds what was indexed under the older one.</summary>
public sealed class when_rotating_the_lookup_key(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task a_parent_code_issued_under_the_old_lookup_key_is_redeemed_on_a_node_with_the_new_one()
    {
        await using var rotated = await AppFixture.StartHostAsync(AppFixture.Required("ConnectionStrings__Marten"), "Testing",
            new Dictionary<string, string?> { ["PersonalData:LookupKeys:2"] = KeyStores.NewKey() });
        var world = await Api.CreateWorld();
        var oldCode = (await Api.IssueCode(world.Teacher, world.Students[0])).Code;           // indexed under version 1

        var guardian = await new Api(rotated).RegisterGuardian(oldCode);                    // looked up under 2, then 1
        Assert.NotEqual(Guid.Empty, guardian.UserId);

        var newCode = (await new Api(rotated).IssueCode(world.Teacher, world.Students[1])).Code; // indexed under version 2
        await new Api(rotated).RegisterGuardian(newCode);
    }

    [Fact]
    public async Task a_login_indexed_under_the_old_lookup_key_signs_in_on_a_node_with_the_new_one_and_is_found_again_for_a_new_membership()
    {
        await using var rotated = await AppFixture.StartHostAsync(AppFixture.Required("ConnectionStrings__Marten"), "Testing",
            new Dictionary<string, string?> { ["PersonalData:LookupKeys:2"] = KeyStores.NewKey() });
        var world = await Api.CreateWorld();                                                  // accounts indexed under version 1
        var onRotated = new Api(rotated);

        var teacher = await onRotated.Login(world.Teacher.Email);                             // found under 1, re-indexed under 2
        Assert.Equal(world.Teacher.UserId, teacher.UserId);
        Assert.Equal(world.Teacher.UserId, (await onRotated.Login(world.Teacher.Email)).UserId);

        // The DPO's login is still indexed under version 1: adding them as a teacher finds it (no second login).
        await onRotated.Post<ClassComms.Accounts.StaffInvited>("/api/staff",
            new ClassComms.Accounts.CreateStaff("teacher", "Another Teacher", world.Dpo.Email), world.Leader);
        Assert.True((await Support.Api.InvitationMailTo(world.Dpo.Email, seen: 1)).HasLogin);
        var added = await onRotated.AcceptInvitation(world.Dpo.Email, seen: 1);
        var signedIn = await onRotated.Post<ClassComms.Accounts.LoginSucceeded>("/api/auth/login",
            new ClassComms.Accounts.Login(world.Dpo.Email, Api.Password), null, System.Net.HttpStatusCode.OK);
        Assert.Equal(world.Dpo.LoginId, signedIn.LoginId);
        Assert.Equal(new[] { world.Dpo.UserId, added.UserId }.Order(), signedIn.Memberships.Select(m => m.UserId).Order());
    }
}
