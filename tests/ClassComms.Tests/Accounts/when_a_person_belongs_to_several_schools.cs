using System.Net;
using System.Text.Json;
using ClassComms.Accounts;
using ClassComms.Guardians;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Accounts;

/// <summary>One login per person, one membership per school: sign in once, choose the school context, switch.</summary>
public sealed class when_a_person_belongs_to_several_schools(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task a_parent_with_a_child_in_two_schools_signs_in_once_switches_and_sees_only_the_school_in_context()
    {
        var schoolA = await Api.CreateWorld("Ada Alpha");
        var schoolB = await Api.CreateWorld("Bea Beta");
        var mum = await Api.GuardianOf(schoolA.Teacher, schoolA.Students[0], "Mum");

        // A code from school B, redeemed while signed in to school A: a guardian membership in B is created and the child linked there.
        var codeB = await Api.IssueCode(schoolB.Teacher, schoolB.Students[0]);
        var linked = await Api.Post<ChildLinked>("/api/guardians/me/children", new LinkChild(codeB.Code), mum, HttpStatusCode.OK);
        Assert.Equal(schoolB.SchoolId, linked.SchoolId);
        Assert.True(linked.SwitchRequired);
        Assert.NotEqual(mum.UserId, linked.GuardianId);
        Assert.Equal(["Ada Alpha"], (await Api.Get<List<ChildView>>("/api/guardians/me/children", mum)).Select(c => c.Name));

        // One sign-in lists both schools and starts in the last one used (A).
        var signedIn = await SignIn(mum.Email);
        Assert.Equal(mum.LoginId, signedIn.LoginId);
        Assert.Equal(mum.UserId, signedIn.UserId);
        Assert.Equal(new[] { schoolA.SchoolId, schoolB.SchoolId }.Order(), signedIn.Memberships.Select(m => m.SchoolId).Order());
        Assert.All(signedIn.Memberships, m => Assert.Equal("guardian", m.Role));
        Assert.All(signedIn.Memberships, m => Assert.Equal("Test School", m.SchoolName));
        var inA = mum with { Token = signedIn.Token };

        var switched = await Api.Post<LoginSucceeded>("/api/auth/switch-school", new SwitchSchool(schoolB.SchoolId), inA, HttpStatusCode.OK);
        Assert.Equal(linked.GuardianId, switched.UserId);
        Assert.Equal(schoolB.SchoolId, switched.SchoolId);
        Assert.Equal(mum.LoginId, switched.LoginId);
        var inB = inA with { Token = switched.Token, UserId = switched.UserId, SchoolId = switched.SchoolId };
        Assert.Equal(["Bea Beta"], (await Api.Get<List<ChildView>>("/api/guardians/me/children", inB)).Select(c => c.Name));

        // The switch ended the session it was made from; the next sign-in starts in B.
        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.Send(HttpMethod.Get, "/api/guardians/me/children", null, inA)).Status);
        Assert.Equal(schoolB.SchoolId, (await SignIn(mum.Email)).SchoolId);

        // Object-level authorization across schools: a token for one school never reads the other's objects.
        var threadB = (await Api.StartConversation(schoolB.Teacher, schoolB.Students[0], "Hello from B")).Threads[0];
        var threadA = (await Api.StartConversation(schoolA.Teacher, schoolA.Students[0], "Hello from A")).Threads[0];
        var lastUsedB = await Api.Login(mum.Email);
        Assert.Equal(schoolB.SchoolId, lastUsedB.SchoolId);
        var backInA = await Api.Post<LoginSucceeded>("/api/auth/switch-school", new SwitchSchool(schoolA.SchoolId), lastUsedB, HttpStatusCode.OK);
        var a = mum with { Token = backInA.Token };
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/students/{schoolB.Students[0]}", null, a);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/students/{schoolA.Students[0]}", null, inB);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/conversations/{threadB.ConversationId}/messages", null, a);
        Assert.Equal(HttpStatusCode.OK, (await Api.Send(HttpMethod.Get, $"/api/conversations/{threadA.ConversationId}/messages", null, a)).Status);
        await ProjectionsCaughtUp();
        var inbox = await Api.Inbox(a);
        Assert.Contains(inbox.Items, i => i.Message.ConversationId == threadA.ConversationId);
        Assert.DoesNotContain(inbox.Items, i => i.Message.ConversationId == threadB.ConversationId);
        var inboxB = await Api.Inbox(mum with { Token = (await Api.Post<LoginSucceeded>("/api/auth/switch-school", new SwitchSchool(schoolB.SchoolId), a,
            HttpStatusCode.OK)).Token });
        Assert.Contains(inboxB.Items, i => i.Message.ConversationId == threadB.ConversationId);
        Assert.DoesNotContain(inboxB.Items, i => i.Message.ConversationId == threadA.ConversationId);
    }

    [Fact]
    public async Task switching_to_a_school_without_a_membership_is_a_404_and_a_bad_body_a_400()
    {
        var schoolA = await Api.CreateWorld();
        var schoolB = await Api.CreateWorld();

        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, "/api/auth/switch-school", new SwitchSchool(schoolB.SchoolId), schoolA.Teacher);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, "/api/auth/switch-school", new SwitchSchool(Guid.NewGuid()), schoolA.Teacher);
        var role = await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, "/api/auth/switch-school",
            new SwitchSchool(schoolA.SchoolId, "guardian"), schoolA.Teacher);
        Assert.Equal(404, role.Status);
        var bad = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/auth/switch-school", new SwitchSchool(Guid.Empty), schoolA.Teacher);
        Assert.Contains("schoolId", bad.Errors!.Keys);
        // The refused switches ended nothing.
        Assert.Equal(HttpStatusCode.OK, (await Api.Send(HttpMethod.Get, "/api/classes", null, schoolA.Teacher)).Status);
    }

    [Fact]
    public async Task a_teacher_added_by_a_second_school_keeps_one_login_and_their_password_and_the_leader_gets_the_answer_a_new_person_gets()
    {
        var schoolA = await Api.CreateWorld();
        var leaderB = await Api.CreateSchool("Second School");

        var existing = await Api.Send(HttpMethod.Post, "/api/staff", new CreateStaff("teacher", "Theo Teacher", schoolA.Teacher.Email), leaderB);
        var fresh = await Api.Send(HttpMethod.Post, "/api/staff", new CreateStaff("teacher", "Nina New", Support.Api.NewEmail("teacher")), leaderB);
        Assert.Equal(HttpStatusCode.Created, existing.Status);
        Assert.Equal(fresh.Status, existing.Status);
        Assert.Equal(Shape(fresh.Body), Shape(existing.Body));
        Assert.Equal(fresh.Result.Context.Response.ContentType, existing.Result.Context.Response.ContentType);

        // They accept the invitation signed in to their login; their password is not changed.
        await Api.AcceptInvitation(schoolA.Teacher.Email, password: null, signedIn: schoolA.Teacher, seen: 1);
        var signedIn = await SignIn(schoolA.Teacher.Email);
        Assert.Equal(schoolA.Teacher.LoginId, signedIn.LoginId);
        Assert.Equal(2, signedIn.Memberships.Count);
        Assert.Contains(signedIn.Memberships, m => m.SchoolId == schoolA.SchoolId && m.Role == "teacher");
        Assert.Contains(signedIn.Memberships, m => m.SchoolId == leaderB.SchoolId && m.Role == "teacher" && m.SchoolName == "Second School");
    }

    [Fact]
    public async Task a_password_change_in_one_school_ends_the_sessions_in_every_school()
    {
        var schoolA = await Api.CreateWorld();
        var leaderB = await Api.CreateSchool("Second School");
        await Api.Post<StaffInvited>("/api/staff", new CreateStaff("teacher", "Theo Teacher", schoolA.Teacher.Email), leaderB);
        await Api.AcceptInvitation(schoolA.Teacher.Email, seen: 1);
        var inA = await Api.Login(schoolA.Teacher.Email);
        var other = await Api.Login(schoolA.Teacher.Email);
        var toB = await Api.Post<LoginSucceeded>("/api/auth/switch-school", new SwitchSchool(leaderB.SchoolId), other, HttpStatusCode.OK);
        var inB = other with { Token = toB.Token };
        Assert.Equal(HttpStatusCode.OK, (await Api.Send(HttpMethod.Get, "/api/classes", null, inB)).Status);

        await Api.Post<LoginSucceeded>("/api/auth/password", new ChangePassword(Support.Api.Password, "a brand new passphrase"), inA, HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.Send(HttpMethod.Get, "/api/classes", null, inB)).Status);
        await Api.Problem(HttpStatusCode.Unauthorized, HttpMethod.Post, "/api/auth/refresh", new RefreshSession(toB.RefreshToken), null);
        var again = await Api.Post<LoginSucceeded>("/api/auth/login", new Login(schoolA.Teacher.Email, "a brand new passphrase"), null, HttpStatusCode.OK);
        Assert.Equal(2, again.Memberships.Count);
    }

    private Task<LoginSucceeded> SignIn(string email) =>
        Api.Post<LoginSucceeded>("/api/auth/login", new Login(email, Support.Api.Password), null, HttpStatusCode.OK);

    /// <summary>The JSON property names and value kinds of an answer (its ids differ, its shape must not).</summary>
    private static string Shape(string json) =>
        string.Join(",", JsonDocument.Parse(json).RootElement.EnumerateObject().Select(p => $"{p.Name}:{p.Value.ValueKind}"));
}
