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
}
