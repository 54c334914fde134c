using ClassComms.Retention;
using ClassComms.Tests.StudentAccounts;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Retention;

/// <summary>A student's sign-in with their login code is activity: the inactive-account policy does not erase a student who only signs in.</summary>
public sealed class when_a_student_only_signs_in(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task a_recent_sign_in_keeps_the_account_and_a_student_without_one_is_due()
    {
        var world = await Api.CreateWorld("Ada Lovelace", "Mo Farah");
        var (ada, mo) = (world.Students[0], world.Students[1]);
        var codes = await Api.IssueClassCodes(world.Teacher, world.ClassId);

        Clock.Advance(TimeSpan.FromDays(335)); // 11 months on: Ada signs in, Mo does not
        await Api.StudentLogin(codes.Single(c => c.StudentId == ada).Code);
        Clock.Advance(TimeSpan.FromDays(62)); // 13 months after the codes were issued, 2 after Ada's sign-in

        var preview = await Api.Get<RetentionPlan>("/api/retention/preview", world.Dpo);
        Assert.Equal([mo], preview.StudentsErased);
    }
}
