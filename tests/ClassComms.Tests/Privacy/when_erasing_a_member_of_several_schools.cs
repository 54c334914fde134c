using System.Net;
using ClassComms.Accounts;
using ClassComms.Guardians;
using ClassComms.PersonalData;
using ClassComms.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace ClassComms.Tests.Privacy;

/// <summary>
/// Erasure is per school (the school is the controller): a DPO erases the membership in their school; the login, with
/// the e-mail sealed under its own key, goes only with the person's last membership.
/// </summary>
public sealed class when_erasing_a_member_of_several_schools(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task erasing_a_parent_in_one_school_leaves_their_membership_in_the_other_and_the_login_goes_with_the_last()
    {
        var schoolA = await Api.CreateWorld("Ada Alpha");
        var schoolB = await Api.CreateWorld("Bea Beta");
        var mum = await Api.GuardianOf(schoolA.Teacher, schoolA.Students[0], "Mum");
        var linked = await Api.Post<ChildLinked>("/api/guardians/me/children",
            new LinkChild((await Api.IssueCode(schoolB.Teacher, schoolB.Students[0])).Code), mum, HttpStatusCode.OK);
        var vault = Host.Services.GetRequiredService<PersonalDataVault>();

        // School A's DPO erases Mum: A's membership, its key and its links go; her membership in B and her login stay.
        await Api.EraseGuardian(schoolA.Dpo, mum.UserId);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.Send(HttpMethod.Get, "/api/guardians/me/children", null, mum)).Status);
        Assert.True(await vault.IsErasedAsync(mum.UserId));
        Assert.False(await vault.IsErasedAsync(linked.GuardianId));
        Assert.False(await vault.IsErasedAsync(mum.LoginId));
        Assert.Empty((await Api.GetStudent(schoolA.Teacher, schoolA.Students[0])).Guardians!);

        var signedIn = await Api.Post<LoginSucceeded>("/api/auth/login", new Login(mum.Email, Support.Api.Password), null, HttpStatusCode.OK);
        var onlyB = Assert.Single(signedIn.Memberships);
        Assert.Equal(schoolB.SchoolId, onlyB.SchoolId);
        Assert.Equal(linked.GuardianId, signedIn.UserId);
        var inB = mum with { Token = signedIn.Token, UserId = signedIn.UserId, SchoolId = signedIn.SchoolId };
        Assert.Equal(["Bea Beta"], (await Api.Get<List<ChildView>>("/api/guardians/me/children", inB)).Select(c => c.Name));
        Assert.Equal("Mum", Assert.Single((await Api.GetStudent(schoolB.Teacher, schoolB.Students[0])).Guardians!).Name);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, "/api/auth/switch-school", new SwitchSchool(schoolA.SchoolId), inB);

        // School B's DPO erases her last membership: the login goes too (no sign-in, its own key destroyed, the e-mail free again).
        await Api.EraseGuardian(schoolB.Dpo, linked.GuardianId);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.Send(HttpMethod.Get, "/api/guardians/me/children", null, inB)).Status);
        await Api.Problem(HttpStatusCode.Unauthorized, HttpMethod.Post, "/api/auth/login", new Login(mum.Email, Support.Api.Password), null);
        Assert.True(await vault.IsErasedAsync(linked.GuardianId));
        Assert.True(await vault.IsErasedAsync(mum.LoginId));
        await using (var query = Store.QuerySession())
        {
            var login = await query.LoadAsync<LoginAccount>(mum.LoginId);
            Assert.NotNull(login!.ErasedAt);
            Assert.Null(await vault.UnsealAsync(login.Email));
        }

        await Api.Post<StaffInvited>("/api/staff", new CreateStaff("teacher", "Mum", mum.Email), schoolB.Leader);
        await Api.AcceptInvitation(mum.Email);
        Assert.NotEqual(mum.LoginId, (await Api.Login(mum.Email)).LoginId);
    }
}
