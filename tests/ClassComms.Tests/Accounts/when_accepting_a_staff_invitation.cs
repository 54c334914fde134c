using System.Net;
using ClassComms.Accounts;
using ClassComms.PersonalData;
using ClassComms.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;

namespace ClassComms.Tests.Accounts;

/// <summary>
/// The invitee accepts with the mailed token: a new address sets its own password; an address with a login joins the school
/// signed in or with its password, which stays as it is. The token works once.
/// </summary>
public sealed class when_accepting_a_staff_invitation(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task an_existing_login_accepts_while_signed_in_and_keeps_its_password()
    {
        var schoolA = await Api.CreateWorld();
        var leaderB = await Api.CreateSchool("Second School");
        await Api.Post<StaffInvited>("/api/staff", new CreateStaff("teacher", "Theo Teacher", schoolA.Teacher.Email), leaderB);
        // Their first invitation (into school A) is the outbox's first mail to them.
        Assert.True((await Support.Api.InvitationMailTo(schoolA.Teacher.Email, seen: 1)).HasLogin);

        var accepted = await Api.AcceptInvitation(schoolA.Teacher.Email, password: null, signedIn: schoolA.Teacher, seen: 1);

        Assert.Equal(leaderB.SchoolId, accepted.SchoolId);
        var signedIn = await Api.Post<LoginSucceeded>("/api/auth/login", new Login(schoolA.Teacher.Email, Support.Api.Password), null, HttpStatusCode.OK);
        Assert.Equal(schoolA.Teacher.LoginId, signedIn.LoginId);
        Assert.Contains(signedIn.Memberships, m => m.UserId == accepted.UserId && m.SchoolId == leaderB.SchoolId && m.Role == "teacher");
        Assert.Equal(2, signedIn.Memberships.Count);
    }

    [Fact]
    public async Task an_existing_login_accepts_with_its_password_and_a_wrong_one_changes_nothing()
    {
        var schoolA = await Api.CreateWorld();
        var leaderB = await Api.CreateSchool("Second School");
        await Api.Post<StaffInvited>("/api/staff", new CreateStaff("dpo", "Dora Dpo", schoolA.Dpo.Email), leaderB);
        var mail = await Support.Api.InvitationMailTo(schoolA.Dpo.Email, seen: 1);

        var missing = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/staff/invitations/accept",
            new AcceptStaffInvitation(mail.Token, null), null);
        Assert.Contains("password", missing.Errors!.Keys);
        await Api.Problem(HttpStatusCode.Unauthorized, HttpMethod.Post, "/api/staff/invitations/accept",
            new AcceptStaffInvitation(mail.Token, "not the password at all"), null, Support.Api.FromNewAddress);
        // Signed in to another login is not signed in to this one.
        await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/staff/invitations/accept",
            new AcceptStaffInvitation(mail.Token, null), schoolA.Teacher);
        Assert.Single((await Api.Post<LoginSucceeded>("/api/auth/login", new Login(schoolA.Dpo.Email, Support.Api.Password), null,
            HttpStatusCode.OK)).Memberships);

        await Api.Expect<StaffInvitationAccepted>(HttpStatusCode.Created, HttpMethod.Post, "/api/staff/invitations/accept",
            new AcceptStaffInvitation(mail.Token, Support.Api.Password), null, Support.Api.FromNewAddress);
        var signedIn = await Api.Post<LoginSucceeded>("/api/auth/login", new Login(schoolA.Dpo.Email, Support.Api.Password), null, HttpStatusCode.OK);
        Assert.Equal(schoolA.Dpo.LoginId, signedIn.LoginId);
        Assert.Contains(signedIn.Memberships, m => m.SchoolId == leaderB.SchoolId && m.Role == "dpo");
    }

    [Fact]
    public async Task a_new_invitee_must_choose_a_usable_password_and_the_token_works_once()
    {
        var leader = await Api.CreateSchool();
        var email = Support.Api.NewEmail("new");
        await Api.Post<StaffInvited>("/api/staff", new CreateStaff("teacher", "Nina New", email), leader);
        var mail = await Support.Api.InvitationMailTo(email);
        Assert.False(mail.HasLogin);

        foreach (var password in new[] { null, "short" })
        {
            var bad = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/staff/invitations/accept",
                new AcceptStaffInvitation(mail.Token, password), null);
            Assert.Contains("password", bad.Errors!.Keys);
        }

        await Api.Problem(HttpStatusCode.Unauthorized, HttpMethod.Post, "/api/auth/login", new Login(email, Support.Api.Password), null);
        var accepted = await Api.AcceptInvitation(email);
        var teacher = await Api.Login(email);
        Assert.Equal(accepted.UserId, teacher.UserId);
        Assert.Equal("teacher", teacher.Role);

        var reused = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/staff/invitations/accept",
            new AcceptStaffInvitation(mail.Token, "another passphrase entirely"), null);
        Assert.Contains("token", reused.Errors!.Keys);
        var unknown = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/staff/invitations/accept",
            new AcceptStaffInvitation("no-such-token", Support.Api.Password), null);
        Assert.Equal(reused.Detail, unknown.Detail);
        await Api.Problem(HttpStatusCode.Unauthorized, HttpMethod.Post, "/api/auth/login", new Login(email, "another passphrase entirely"), null);
    }

    [Fact]
    public async Task two_invitations_of_one_new_email_accepted_at_once_make_one_login_and_one_membership()
    {
        var leader = await Api.CreateSchool();
        var email = Support.Api.NewEmail("twin");
        await Api.Post<StaffInvited>("/api/staff", new CreateStaff("teacher", "Twin", email), leader);
        await Api.Post<StaffInvited>("/api/staff", new CreateStaff("teacher", "Twin", email), leader);
        await Support.Api.InvitationMailTo(email, seen: 1);
        var tokens = Support.Api.InvitationOutbox().Where(m => m.Email == email).Select(m => m.Token).ToList();
        Assert.Equal(2, tokens.Count);

        var answers = await Task.WhenAll(tokens.Select(token => Task.Run(() => Api.Send(HttpMethod.Post, "/api/staff/invitations/accept",
            new AcceptStaffInvitation(token, Support.Api.Password), null, Support.Api.FromNewAddress))));

        Assert.All(answers, a => Assert.True(a.Status == HttpStatusCode.Created, $"{(int)a.Status} {a.Body}"));
        var signedIn = await Api.Post<LoginSucceeded>("/api/auth/login", new Login(email, Support.Api.Password), null, HttpStatusCode.OK);
        Assert.Single(signedIn.Memberships);
    }

    [Fact]
    public async Task an_expired_invitation_is_refused_and_the_key_of_its_name_and_email_destroyed()
    {
        var leader = await Api.CreateSchool();
        var email = Support.Api.NewEmail("late");
        var invited = await Api.Post<StaffInvited>("/api/staff", new CreateStaff("teacher", "Lee Late", email), leader);
        var mail = await Support.Api.InvitationMailTo(email);
        Guid membershipId;
        await using (var query = Store.QuerySession()) membershipId = (await query.LoadAsync<StaffInvitation>(invited.InvitationId))!.MembershipId;

        // What the durable schedule delivers at the expiry (invoked now instead of waiting).
        using (var scope = Host.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<IMessageBus>().InvokeAsync(new ExpireStaffInvitation(invited.InvitationId));
        }

        var refused = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/staff/invitations/accept",
            new AcceptStaffInvitation(mail.Token, Support.Api.Password), null);
        Assert.Contains("token", refused.Errors!.Keys);
        Assert.True(await Host.Services.GetRequiredService<PersonalDataVault>().IsErasedAsync(membershipId));
        await Api.Problem(HttpStatusCode.Unauthorized, HttpMethod.Post, "/api/auth/login", new Login(email, Support.Api.Password), null);
    }
}
