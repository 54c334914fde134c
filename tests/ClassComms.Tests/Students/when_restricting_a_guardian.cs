using System.Net;
using ClassComms.Guardians;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Students;

public sealed class when_restricting_a_guardian(AppFixture app) : IntegrationTest(app)
{
    private static string Restriction(Guid studentId, Guid guardianId) => $"/api/students/{studentId}/guardians/{guardianId}/restriction";

    private Task<List<ChildView>> Children(Session guardian) => Api.Get<List<ChildView>>("/api/guardians/me/children", guardian);

    [Fact]
    public async Task after_a_leader_restricts_a_guardian_the_guardian_no_longer_sees_the_child()
    {
        var world = await Api.CreateWorld();
        var child = world.Students[0];
        var guardian = await Api.GuardianOf(world.Teacher, child);
        await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [child], "Well done");
        Assert.Equal(child, (await Api.GetStudent(guardian, child)).StudentId);
        Assert.Single((await Api.GetHistory(guardian, child)).Points);
        Assert.Equal(child, Assert.Single(await Children(guardian)).StudentId);

        await Api.RestrictGuardian(world.Leader, child, guardian.UserId);

        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.Send(HttpMethod.Get, $"/api/students/{child}", null, guardian)).Status);
        guardian = await Api.SignInAgain(guardian);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/students/{child}", null, guardian);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/students/{child}/points", null, guardian);
        Assert.Empty(await Children(guardian));
    }

    [Fact]
    public async Task staff_see_the_restricted_guardian_by_name_and_the_other_guardian_keeps_access()
    {
        var world = await Api.CreateWorld();
        var child = world.Students[0];
        var restricted = await Api.GuardianOf(world.Teacher, child, "Gail Guardian");
        var other = await Api.GuardianOf(world.Teacher, child, "Gus Guardian");

        await Api.RestrictGuardian(world.Dpo, child, restricted.UserId);
        restricted = await Api.SignInAgain(restricted);

        foreach (var staff in new[] { world.Teacher, world.Leader, world.Dpo })
        {
            var guardians = (await Api.GetStudent(staff, child)).Guardians!.OrderBy(g => g.Name).ToList();
            Assert.Equal(2, guardians.Count);
            Assert.Equal((restricted.UserId, "Gail Guardian", true), (guardians[0].GuardianId, guardians[0].Name, guardians[0].Restricted));
            Assert.Equal((other.UserId, "Gus Guardian", false), (guardians[1].GuardianId, guardians[1].Name, guardians[1].Restricted));
        }

        Assert.Equal(1, Assert.Single((await Api.GetClass(world.Teacher, world.ClassId)).Students, s => s.StudentId == child).GuardianCount);
        Assert.Equal(child, (await Api.GetStudent(other, child)).StudentId);
        Assert.Equal(child, Assert.Single(await Children(other)).StudentId);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/students/{child}", null, restricted);
    }

    [Fact]
    public async Task restricting_for_one_child_leaves_the_guardians_other_child_visible()
    {
        var world = await Api.CreateWorld();
        var guardian = await Api.GuardianOf(world.Teacher, world.Students[0]);
        await Api.Post<ChildLinked>("/api/guardians/me/children", new LinkChild((await Api.IssueCode(world.Teacher, world.Students[1])).Code),
            guardian, HttpStatusCode.OK);

        await Api.RestrictGuardian(world.Leader, world.Students[0], guardian.UserId);
        guardian = await Api.SignInAgain(guardian);

        Assert.Equal(world.Students[1], Assert.Single(await Children(guardian)).StudentId);
        Assert.Equal(world.Students[1], (await Api.GetStudent(guardian, world.Students[1])).StudentId);
    }

    [Fact]
    public async Task a_teacher_gets_403_and_the_guardian_keeps_access()
    {
        var world = await Api.CreateWorld();
        var guardian = await Api.GuardianOf(world.Teacher, world.Students[0]);

        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, Restriction(world.Students[0], guardian.UserId), null, world.Teacher);

        Assert.Equal(world.Students[0], (await Api.GetStudent(guardian, world.Students[0])).StudentId);
        Assert.False(Assert.Single((await Api.GetStudent(world.Teacher, world.Students[0])).Guardians!).Restricted);
    }

    [Fact]
    public async Task a_guardian_gets_403_restricting_another_guardian()
    {
        var world = await Api.CreateWorld();
        var one = await Api.GuardianOf(world.Teacher, world.Students[0], "Gail Guardian");
        var two = await Api.GuardianOf(world.Teacher, world.Students[0], "Gus Guardian");

        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, Restriction(world.Students[0], two.UserId), null, one);

        Assert.Equal(world.Students[0], (await Api.GetStudent(two, world.Students[0])).StudentId);
    }

    [Fact]
    public async Task an_unknown_guardian_or_a_guardian_of_another_child_is_a_404()
    {
        var world = await Api.CreateWorld();
        var guardianOfOther = await Api.GuardianOf(world.Teacher, world.Students[1]);

        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, Restriction(world.Students[0], Guid.NewGuid()), null, world.Leader);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, Restriction(world.Students[0], guardianOfOther.UserId), null, world.Leader);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, Restriction(Guid.NewGuid(), guardianOfOther.UserId), null, world.Leader);

        Assert.Equal(world.Students[1], (await Api.GetStudent(guardianOfOther, world.Students[1])).StudentId);
    }

    [Fact]
    public async Task a_leader_of_another_school_gets_404_and_the_guardian_keeps_access()
    {
        var world = await Api.CreateWorld();
        var elsewhere = await Api.CreateWorld();
        var guardian = await Api.GuardianOf(world.Teacher, world.Students[0]);

        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, Restriction(world.Students[0], guardian.UserId), null, elsewhere.Leader);

        Assert.Equal(world.Students[0], (await Api.GetStudent(guardian, world.Students[0])).StudentId);
    }

    [Fact]
    public async Task malformed_ids_are_400s_naming_the_field()
    {
        var world = await Api.CreateWorld();
        var guardian = await Api.GuardianOf(world.Teacher, world.Students[0]);

        var badStudent = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post,
            $"/api/students/not-a-guid/guardians/{guardian.UserId}/restriction", null, world.Leader);
        var badGuardian = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post,
            $"/api/students/{world.Students[0]}/guardians/not-a-guid/restriction", null, world.Leader);

        Assert.Equal("studentId", Assert.Single(badStudent.Errors!.Keys));
        Assert.Equal("guardianId", Assert.Single(badGuardian.Errors!.Keys));
    }
}
