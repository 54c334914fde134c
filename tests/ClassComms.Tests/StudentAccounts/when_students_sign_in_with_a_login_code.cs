using System.Net;
using ClassComms.Accounts;
using ClassComms.Guardians;
using ClassComms.Points;
using ClassComms.StudentAccounts;
using ClassComms.Tests.Privacy;
using ClassComms.Tests.Support;
using Marten;

namespace ClassComms.Tests.StudentAccounts;

public sealed class when_students_sign_in_with_a_login_code(AppFixture app) : IntegrationTest(app)
{
    private Task<(HttpStatusCode Status, string Body, Alba.IScenarioResult Result)> CodeLogin(string code) =>
        Api.Send(HttpMethod.Post, "/api/auth/student-login", new StudentCodeLogin(code), null, Support.Api.FromNewAddress);

    [Fact]
    public async Task the_teacher_prints_one_code_per_student_and_each_signs_in_as_that_student_without_an_email()
    {
        var world = await Api.CreateWorld();

        var codes = await Api.IssueClassCodes(world.Teacher, world.ClassId);

        Assert.Equal(world.Students.Order(), codes.Select(c => c.StudentId).Order());
        Assert.All(codes, c => Assert.Matches("^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$", c.Code));
        Assert.Equal(3, codes.Select(c => c.Code).Distinct().Count());
        foreach (var issued in codes)
        {
            var student = await Api.StudentLogin(issued.Code.ToLowerInvariant().Replace("-", " "));
            Assert.Equal(issued.StudentId, student.StudentId);
            Assert.Equal(world.SchoolId, student.SchoolId);
            var own = await Api.GetHistory(student, issued.StudentId);
            Assert.Equal(issued.StudentId, own.StudentId);
        }
    }

    [Fact]
    public async Task a_student_reads_their_own_points_and_gets_404_for_another_students_points_and_record()
    {
        var world = await Api.CreateWorld();
        await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [world.Students[0], world.Students[1]], "well done Ada");
        var ada = await Api.StudentAccount(world, 0);

        var own = await Api.GetHistory(ada, world.Students[0]);
        Assert.Equal("well done Ada", Assert.Single(own.Points).Note);
        Assert.Null((await Api.GetStudent(ada, world.Students[0])).Guardians);

        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/students/{world.Students[1]}/points", null, ada);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/students/{world.Students[1]}", null, ada);
    }

    [Fact]
    public async Task a_student_gets_403_or_404_on_guardian_only_and_staff_only_endpoints()
    {
        var world = await Api.CreateWorld();
        var guardian = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var ada = await Api.StudentAccount(world, 0);
        var own = world.Students[0];

        var forbidden = new (HttpMethod Method, string Url, object? Body)[]
        {
            (HttpMethod.Get, "/api/guardians/me/feed", null),
            (HttpMethod.Get, "/api/guardians/me/children", null),
            (HttpMethod.Get, "/api/classes", null),
            (HttpMethod.Get, "/api/conversations", null),
            (HttpMethod.Post, "/api/classes", new ClassComms.Classes.CreateClass("Mine", null)),
            (HttpMethod.Post, $"/api/classes/{world.ClassId}/student-logins", new IssueClassLoginCodes(null)),
            (HttpMethod.Post, $"/api/guardians/me/children/{own}/student-login", null),
            (HttpMethod.Post, $"/api/privacy/students/{world.Students[1]}/erasure", null),
            (HttpMethod.Post, $"/api/students/{own}/guardians/{guardian.UserId}/restriction", null),
            (HttpMethod.Post, "/api/me/quiet-hours", new ClassComms.Notifications.SetQuietHours("20:00", "07:00", null)),
            (HttpMethod.Post, $"/api/guardians/me/muted-classes/{world.ClassId}", null),
        };
        var notFound = new (HttpMethod Method, string Url, object? Body)[]
        {
            (HttpMethod.Get, $"/api/classes/{world.ClassId}", null),
            (HttpMethod.Get, $"/api/classes/{world.ClassId}/summary", null),
            (HttpMethod.Post, $"/api/classes/{world.ClassId}/points", new AwardPoints(world.Positive.Id, [own], false, null)),
            (HttpMethod.Post, $"/api/students/{own}/parent-codes", null),
            (HttpMethod.Get, $"/api/students/{own}/parent-codes", null),
            (HttpMethod.Delete, $"/api/students/{own}/student-login", null),
        };

        foreach (var (method, url, body) in forbidden) await Api.Problem(HttpStatusCode.Forbidden, method, url, body, ada);
        foreach (var (method, url, body) in notFound) await Api.Problem(HttpStatusCode.NotFound, method, url, body, ada);
        Assert.Empty((await Api.Inbox(ada)).Items);
        // Still signed in: none of those refusals changed anything.
        await Api.GetHistory(ada, own);
    }

    [Fact]
    public async Task revoking_the_code_ends_the_students_session_and_the_code_no_longer_signs_in()
    {
        var world = await Api.CreateWorld();
        var issued = (await Api.IssueClassCodes(world.Teacher, world.ClassId, [world.Students[0]])).Single();
        var ada = await Api.StudentLogin(issued.Code);

        await Api.Delete($"/api/students/{world.Students[0]}/student-login", world.Teacher);

        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.Send(HttpMethod.Get, $"/api/students/{world.Students[0]}/points", null, ada)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await CodeLogin(issued.Code)).Status);
    }

    [Fact]
    public async Task a_new_code_replaces_the_older_one_on_the_same_account()
    {
        var world = await Api.CreateWorld();
        var first = (await Api.IssueClassCodes(world.Teacher, world.ClassId, [world.Students[0]])).Single();
        var before = await Api.StudentLogin(first.Code);

        var second = (await Api.IssueClassCodes(world.Leader, world.ClassId, [world.Students[0]])).Single();

        Assert.Equal(HttpStatusCode.Unauthorized, (await CodeLogin(first.Code)).Status);
        var after = await Api.StudentLogin(second.Code);
        Assert.Equal(before.UserId, after.UserId);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.Send(HttpMethod.Get, $"/api/students/{world.Students[0]}/points", null, before)).Status);
    }

    [Fact]
    public async Task a_guardian_creates_the_account_of_their_linked_unrestricted_child_only()
    {
        var world = await Api.CreateWorld();
        var guardian = await Api.GuardianOf(world.Teacher, world.Students[0]);

        var issued = await Api.Post<StudentLoginIssued>($"/api/guardians/me/children/{world.Students[0]}/student-login", null, guardian);
        var ada = await Api.StudentLogin(issued.Code);
        Assert.Equal(world.Students[0], ada.StudentId);

        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/guardians/me/children/{world.Students[1]}/student-login", null, guardian);
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, $"/api/guardians/me/children/{world.Students[0]}/student-login", null, world.Teacher);
        await Api.RestrictGuardian(world.Leader, world.Students[0], guardian.UserId);
        var restricted = await Api.SignInAgain(guardian);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/guardians/me/children/{world.Students[0]}/student-login", null, restricted);
        await Api.StudentLogin(issued.Code); // the refused requests revoked nothing
    }

    [Fact]
    public async Task codes_of_another_class_or_teacher_are_refused_and_commit_nothing()
    {
        var world = await Api.CreateWorld();
        var other = await Api.CreateStaff(world.Leader, "teacher", "Olga Other");
        var otherClass = await Api.CreateClass(other, "Grade 4");
        var foreign = (await Api.Enrol(other, otherClass.ClassId, "Finn Foreign")).Single();

        var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, $"/api/classes/{world.ClassId}/student-logins",
            new IssueClassLoginCodes([world.Students[0], foreign]), world.Teacher);
        Assert.Contains("studentIds", problem.Errors!.Keys);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/classes/{otherClass.ClassId}/student-logins",
            new IssueClassLoginCodes(null), world.Teacher);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Delete, $"/api/students/{foreign}/student-login", null, world.Teacher);
        var empty = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/auth/student-login", new StudentCodeLogin(""), null);
        Assert.Contains("code", empty.Errors!.Keys);

        await using var query = Store.QuerySession();
        Assert.Equal(0, await query.Query<StudentLoginCode>().CountAsync());
        Assert.Equal(0, await query.Query<UserAccount>().CountAsync(m => m.StudentId != null));
    }

    [Fact]
    public async Task wrong_codes_get_one_401_and_repeating_a_code_is_throttled_like_a_sign_in()
    {
        var world = await Api.CreateWorld();
        var issued = (await Api.IssueClassCodes(world.Teacher, world.ClassId, [world.Students[0]])).Single();
        var wrong = "ABCD-EFGH-JKMN-PQRS";

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i <= AppFixture.LoginAttemptsPerAccount; i++) statuses.Add((await CodeLogin(wrong)).Status);

        Assert.All(statuses.Take(AppFixture.LoginAttemptsPerAccount), s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        await Api.StudentLogin(issued.Code);
    }

    [Fact]
    public async Task erasing_the_student_disables_their_account_and_deletes_their_code()
    {
        var world = await Api.CreateWorld();
        var issued = (await Api.IssueClassCodes(world.Teacher, world.ClassId, [world.Students[0]])).Single();
        var ada = await Api.StudentLogin(issued.Code);

        await Api.EraseStudent(world.Dpo, world.Students[0]);

        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.Send(HttpMethod.Get, $"/api/students/{world.Students[0]}/points", null, ada)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await CodeLogin(issued.Code)).Status);
        await using var query = Store.QuerySession();
        Assert.Equal(0, await query.Query<StudentLoginCode>().CountAsync());
        var account = Assert.Single(await query.Query<UserAccount>().Where(m => m.StudentId == world.Students[0]).ToListAsync());
        Assert.NotNull(account.ErasedAt);
        Assert.NotNull((await query.LoadAsync<LoginAccount>(account.LoginId))!.ErasedAt);
    }
}
