using System.Net;
using ClassComms.Accounts;
using ClassComms.Guardians;
using ClassComms.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ClassComms.Tests.Accounts;

public sealed class when_access_is_revoked(AppFixture app) : IntegrationTest(app)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task an_erased_guardians_token_refresh_token_and_live_connection_stop_at_once()
    {
        var world = await Api.CreateWorld();
        var (guardian, signedIn) = await RegisterGuardian(world.Teacher, world.Students[0]);
        await using var live = await LiveConnection.Open(Host.GetTestServer(), signedIn.Token);
        Assert.Equal(HttpStatusCode.OK, (await Api.Send(HttpMethod.Get, "/api/guardians/me/children", null, guardian)).Status);
        var secondCode = await Api.IssueCode(world.Teacher, world.Students[1]);

        var (erasure, _, _) = await Api.Send(HttpMethod.Post, $"/api/privacy/guardians/{guardian.UserId}/erasure", null, world.Dpo);
        Assert.Contains(erasure, new[] { HttpStatusCode.OK, HttpStatusCode.Accepted });

        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.Send(HttpMethod.Get, "/api/guardians/me/children", null, guardian)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized,
            (await Api.Send(HttpMethod.Post, "/api/guardians/me/children", new LinkChild(secondCode.Code), guardian)).Status);
        await live.Closed.WaitAsync(Bound);
        await Api.Problem(HttpStatusCode.Unauthorized, HttpMethod.Post, "/api/auth/refresh", new RefreshSession(signedIn.RefreshToken), null);
        await Assert.ThrowsAnyAsync<Exception>(() => LiveConnection.Open(Host.GetTestServer(), signedIn.Token));

        var second = await Api.GetStudent(world.Teacher, world.Students[1]);
        Assert.DoesNotContain(second.Guardians!, g => g.GuardianId == guardian.UserId);
    }

    [Fact]
    public async Task an_unlinked_guardian_must_sign_in_again_and_then_sees_only_the_children_still_linked()
    {
        var world = await Api.CreateWorld();
        var (guardian, signedIn) = await RegisterGuardian(world.Teacher, world.Students[0]);
        await Api.Post<ChildLinked>("/api/guardians/me/children", new LinkChild((await Api.IssueCode(world.Teacher, world.Students[1])).Code),
            guardian, HttpStatusCode.OK);
        await using var live = await LiveConnection.Open(Host.GetTestServer(), signedIn.Token);

        await Api.Delete($"/api/students/{world.Students[0]}/guardians/{guardian.UserId}", world.Leader);

        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.Send(HttpMethod.Get, "/api/guardians/me/children", null, guardian)).Status);
        await live.Closed.WaitAsync(Bound);
        await Api.Problem(HttpStatusCode.Unauthorized, HttpMethod.Post, "/api/auth/refresh", new RefreshSession(signedIn.RefreshToken), null);
        var again = await Api.Login(guardian.Email);
        var children = await Api.Get<List<ChildView>>("/api/guardians/me/children", again);
        Assert.Equal([world.Students[1]], children.Select(c => c.StudentId));
    }

    [Fact]
    public async Task a_restricted_guardians_sessions_end_and_the_staffs_do_not()
    {
        var world = await Api.CreateWorld();
        var (guardian, signedIn) = await RegisterGuardian(world.Teacher, world.Students[0]);
        await using var live = await LiveConnection.Open(Host.GetTestServer(), signedIn.Token);
        await using var teachers = await LiveConnection.Open(Host.GetTestServer(), world.Teacher.Token);

        await Api.RestrictGuardian(world.Leader, world.Students[0], guardian.UserId);

        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.Send(HttpMethod.Get, "/api/guardians/me/children", null, guardian)).Status);
        await live.Closed.WaitAsync(Bound);
        Assert.Equal(HubConnectionState.Connected, teachers.State);
        Assert.Equal(HttpStatusCode.OK, (await Api.Send(HttpMethod.Get, "/api/classes", null, world.Teacher)).Status);
    }

    [Fact]
    public async Task a_token_without_a_session_is_refused()
    {
        var leader = await Api.CreateSchool();
        await using var query = Store.QuerySession();
        var account = await query.LoadAsync<UserAccount>(leader.UserId);
        var login = await query.LoadAsync<LoginAccount>(account!.LoginId);
        var (token, _) = Host.Services.GetRequiredService<TokenIssuer>().Issue(login!, account, Guid.NewGuid());
        var (status, _, _) = await Api.Send(HttpMethod.Get, "/api/classes", null, leader with { Token = token });
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task a_guardian_unlinked_in_one_school_keeps_their_session_and_connection_in_the_other()
    {
        var (mum, schoolA, inB) = await GuardianInTwoSchools();
        await using var liveA = await LiveConnection.Open(Host.GetTestServer(), mum.Token);
        await using var liveB = await LiveConnection.Open(Host.GetTestServer(), inB.Token);

        await Api.Delete($"/api/students/{schoolA.Students[0]}/guardians/{mum.UserId}", schoolA.Leader);

        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.Send(HttpMethod.Get, "/api/guardians/me/children", null, mum)).Status);
        await liveA.Closed.WaitAsync(Bound);
        Assert.Equal(["Bea Beta"], (await Api.Get<List<ChildView>>("/api/guardians/me/children", inB)).Select(c => c.Name));
        Assert.Equal(HubConnectionState.Connected, liveB.State);
        await Api.Problem(HttpStatusCode.Unauthorized, HttpMethod.Post, "/api/auth/refresh", new RefreshSession(mum.RefreshToken), null);
        await Api.Post<LoginSucceeded>("/api/auth/refresh", new RefreshSession(inB.RefreshToken), null, HttpStatusCode.OK);
    }

    [Fact]
    public async Task a_guardian_restricted_in_one_school_keeps_their_session_in_the_other_and_a_password_change_ends_both()
    {
        var (mum, schoolA, inB) = await GuardianInTwoSchools();

        await Api.RestrictGuardian(schoolA.Leader, schoolA.Students[0], mum.UserId);

        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.Send(HttpMethod.Get, "/api/guardians/me/children", null, mum)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Api.Send(HttpMethod.Get, "/api/guardians/me/children", null, inB)).Status);

        // A change of the login itself still ends every session, in every school.
        var again = await Api.Login(mum.Email);
        await using var liveB = await LiveConnection.Open(Host.GetTestServer(), inB.Token);
        await Api.Post<LoginSucceeded>("/api/auth/password", new ChangePassword(Support.Api.Password, "a brand new passphrase here"), again,
            HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.Send(HttpMethod.Get, "/api/guardians/me/children", null, inB)).Status);
        await liveB.Closed.WaitAsync(Bound);
    }

    /// <summary>A guardian of a child in school A and one in school B, signed in to each (two sessions); the first is returned as <c>Guardian</c>.</summary>
    private async Task<(Session Guardian, World SchoolA, Session InB)> GuardianInTwoSchools()
    {
        var schoolA = await Api.CreateWorld("Ada Alpha");
        var schoolB = await Api.CreateWorld("Bea Beta");
        var (registered, signedIn) = await RegisterGuardian(schoolA.Teacher, schoolA.Students[0]);
        var mum = registered with { RefreshToken = signedIn.RefreshToken };
        var linked = await Api.Post<ChildLinked>("/api/guardians/me/children", new LinkChild((await Api.IssueCode(schoolB.Teacher, schoolB.Students[0])).Code),
            mum, HttpStatusCode.OK);
        var second = await Api.Login(mum.Email);
        var switched = await Api.Post<LoginSucceeded>("/api/auth/switch-school", new SwitchSchool(schoolB.SchoolId), second, HttpStatusCode.OK);
        Assert.Equal(linked.GuardianId, switched.UserId);
        return (mum, schoolA, mum with { Token = switched.Token, UserId = switched.UserId, SchoolId = switched.SchoolId, RefreshToken = switched.RefreshToken });
    }

    private async Task<(Session Guardian, LoginSucceeded SignedIn)> RegisterGuardian(Session teacher, Guid studentId)
    {
        var code = await Api.IssueCode(teacher, studentId);
        var email = Support.Api.NewEmail("guardian");
        await Api.RegisterGuardian(code.Code, "Gail Guardian", email);
        var signedIn = await Api.Post<LoginSucceeded>("/api/auth/login", new Login(email, Support.Api.Password), null, HttpStatusCode.OK);
        return (new Session(signedIn.Token, signedIn.UserId, signedIn.SchoolId, signedIn.Role, "Gail Guardian", email, signedIn.LoginId), signedIn);
    }
}
