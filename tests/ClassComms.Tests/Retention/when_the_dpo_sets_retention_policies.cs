using System.Net;
using ClassComms.Retention;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Retention;

public sealed class when_the_dpo_sets_retention_policies(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task the_defaults_are_the_dpias_and_each_change_is_recorded_with_who_and_when()
    {
        var world = await Api.CreateWorld();
        var initial = await Api.Get<RetentionPolicyView>("/api/retention/policies", world.Dpo);
        Assert.False(initial.Chosen);
        Assert.Equal(new RetentionPolicy(12, 12, 30), initial.Policy);
        Assert.Equal(7, initial.DeadLetterDays);
        Assert.True(initial.UploadSessionMinutes > 0);

        var changed = await Api.Expect<RetentionPolicyView>(HttpStatusCode.OK, HttpMethod.Put, "/api/retention/policies",
            new ChangeRetentionPolicy(6, null, 14), world.Dpo);
        Assert.True(changed.Chosen);
        Assert.Equal(new RetentionPolicy(6, 12, 14), changed.Policy);
        var change = Assert.Single(changed.Changes);
        Assert.Equal(world.Dpo.UserId, change.ChangedBy);
        Assert.Equal(new RetentionPolicy(6, 12, 14), (await Api.Get<RetentionPolicyView>("/api/retention/policies", world.Leader)).Policy);
        Assert.Equal(6, (await Api.Get<RetentionPlan>("/api/retention/preview", world.Dpo)).Policy.PointsMonths);
    }

    [Fact]
    public async Task bad_values_answer_400_naming_each_field_and_only_the_dpo_changes_anything()
    {
        var world = await Api.CreateWorld();
        var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Put, "/api/retention/policies",
            new ChangeRetentionPolicy(0, 121, 400), world.Dpo);
        Assert.Equal(["exportDays", "inactiveStudentMonths", "pointsMonths"], problem.Errors!.Keys.Order());
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Put, "/api/retention/policies", new ChangeRetentionPolicy(6, null, null), world.Leader);
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Get, "/api/retention/policies", null, world.Teacher);

        var view = await Api.Get<RetentionPolicyView>("/api/retention/policies", world.Dpo);
        Assert.False(view.Chosen);
        Assert.Empty(view.Changes);
    }
}
