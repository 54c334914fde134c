using System.Diagnostics.Metrics;
using System.Net;
using ClassComms.Accounts;
using ClassComms.Guardians;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Guardians;

/// <summary>
/// Registration never tells a code holder whether an e-mail has a login (here or in another school): every registration
/// that is not made with the login's own password answers the same 202 and body after the same work, and is confirmed
/// through a mail to the address.
/// </summary>
public sealed class when_registering_with_an_email_that_has_a_login(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task an_email_with_a_login_elsewhere_and_a_new_email_get_the_same_status_body_and_work()
    {
        var schoolA = await Api.CreateWorld();
        var parentA = await Api.GuardianOf(schoolA.Teacher, schoolA.Students[0], "Pat Parent");
        var schoolB = await Api.CreateWorld("Bo", "Cy", "Di", "Ed");

        var answers = new List<(HttpStatusCode Status, string Body, string? Type, long Verifications, long Hashes)>();
        foreach (var email in new[] { schoolA.Teacher.Email, parentA.Email, Support.Api.NewEmail("new"), Support.Api.NewEmail("new") })
        {
            var code = await Api.IssueCode(schoolB.Teacher, schoolB.Students[answers.Count]);
            using var work = new PasswordWork();
            var (status, body, result) = await Api.Send(HttpMethod.Post, "/api/guardians/register",
                new RegisterGuardian(code.Code, "Someone", email, "a guess at the password"), null, Support.Api.FromNewAddress);
            answers.Add((status, body, result.Context.Response.ContentType, work.Verifications, work.Hashes));
        }

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Accepted, a.Status));
        Assert.Single(answers.Select(a => a.Body).Distinct());
        Assert.Single(answers.Select(a => a.Type).Distinct());
        // The same work whatever the e-mail: one verification (a dummy hash without a login) and one hash of the password given.
        Assert.All(answers, a => Assert.Equal((1L, 1L), (a.Verifications, a.Hashes)));
        Assert.DoesNotContain(schoolA.Teacher.Email, answers[0].Body);
    }

    [Fact]
    public async Task a_new_email_cannot_sign_in_before_the_mailed_token_is_confirmed_and_the_token_works_once()
    {
        var world = await Api.CreateWorld("Ada Lovelace");
        var code = await Api.IssueCode(world.Teacher, world.Students[0]);
        var email = Support.Api.NewEmail("new");

        await Api.Expect<RegistrationPending>(HttpStatusCode.Accepted, HttpMethod.Post, "/api/guardians/register",
            new RegisterGuardian(code.Code, "Nell New", email, Support.Api.Password), null, Support.Api.FromNewAddress);
        var mail = await Support.Api.RegistrationMailTo(email);
        Assert.False(mail.HasLogin);
        await Api.Problem(HttpStatusCode.Unauthorized, HttpMethod.Post, "/api/auth/login", new Login(email, Support.Api.Password), null);

        var registered = await Api.Expect<GuardianRegistered>(HttpStatusCode.Created, HttpMethod.Post, "/api/guardians/register/confirm",
            new ConfirmGuardianRegistration(mail.Token), null, Support.Api.FromNewAddress);
        Assert.Equal(world.Students[0], registered.StudentId);
        var guardian = await Api.Login(email);
        Assert.Equal(registered.GuardianId, guardian.UserId);
        Assert.Equal("Ada Lovelace", Assert.Single(await Api.Get<List<ChildView>>("/api/guardians/me/children", guardian)).Name);

        var reused = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/guardians/register/confirm",
            new ConfirmGuardianRegistration(mail.Token), null, Support.Api.FromNewAddress);
        Assert.Contains("token", reused.Errors!.Keys);
        var unknown = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/guardians/register/confirm",
            new ConfirmGuardianRegistration("no-such-token"), null, Support.Api.FromNewAddress);
        Assert.Equal(reused.Detail, unknown.Detail);
    }

    [Fact]
    public async Task confirming_for_an_email_with_a_login_adds_the_school_to_it_and_keeps_its_password()
    {
        var schoolA = await Api.CreateWorld("Ada Alpha");
        var mum = await Api.GuardianOf(schoolA.Teacher, schoolA.Students[0], "Mum");
        var schoolB = await Api.CreateWorld("Bea Beta");
        var code = await Api.IssueCode(schoolB.Teacher, schoolB.Students[0]);

        await Api.Expect<RegistrationPending>(HttpStatusCode.Accepted, HttpMethod.Post, "/api/guardians/register",
            new RegisterGuardian(code.Code, "Mum", mum.Email, "not her password at all"), null, Support.Api.FromNewAddress);
        var mail = await Support.Api.RegistrationMailTo(mum.Email, seen: 1);
        Assert.True(mail.HasLogin);
        var registered = await Api.Expect<GuardianRegistered>(HttpStatusCode.Created, HttpMethod.Post, "/api/guardians/register/confirm",
            new ConfirmGuardianRegistration(mail.Token), null, Support.Api.FromNewAddress);
        Assert.Equal(schoolB.SchoolId, registered.SchoolId);

        await Api.Problem(HttpStatusCode.Unauthorized, HttpMethod.Post, "/api/auth/login", new Login(mum.Email, "not her password at all"), null);
        var signedIn = await Api.Post<LoginSucceeded>("/api/auth/login", new Login(mum.Email, Support.Api.Password), null, HttpStatusCode.OK);
        Assert.Equal(mum.LoginId, signedIn.LoginId);
        Assert.Equal(new[] { schoolA.SchoolId, schoolB.SchoolId }.Order(), signedIn.Memberships.Select(m => m.SchoolId).Order());
    }

    [Fact]
    public async Task the_holder_of_the_logins_password_is_registered_at_once_in_the_second_school()
    {
        var schoolA = await Api.CreateWorld("Ada Alpha");
        var mum = await Api.GuardianOf(schoolA.Teacher, schoolA.Students[0], "Mum");
        var schoolB = await Api.CreateWorld("Bea Beta");
        var code = await Api.IssueCode(schoolB.Teacher, schoolB.Students[0]);

        var registered = await Api.Expect<GuardianRegistered>(HttpStatusCode.Created, HttpMethod.Post, "/api/guardians/register",
            new RegisterGuardian(code.Code, "Mum", mum.Email, Support.Api.Password), null, Support.Api.FromNewAddress);
        Assert.Equal(schoolB.SchoolId, registered.SchoolId);

        var signedIn = await Api.Login(mum.Email);
        var inB = await Api.Post<LoginSucceeded>("/api/auth/switch-school", new SwitchSchool(schoolB.SchoolId), signedIn, HttpStatusCode.OK);
        Assert.Equal(registered.GuardianId, inB.UserId);
        Assert.Equal(["Bea Beta"], (await Api.Get<List<ChildView>>("/api/guardians/me/children", mum with { Token = inB.Token })).Select(c => c.Name));
    }

    /// <summary>Counts the password verifications and hashes the API reports through its meter while it lives.</summary>
    private sealed class PasswordWork : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _verifications;
        private long _hashes;

        public PasswordWork()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == Passwords.MeterName) listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
            {
                if (instrument.Name == Passwords.VerificationsInstrument) Interlocked.Add(ref _verifications, value);
                if (instrument.Name == Passwords.HashesInstrument) Interlocked.Add(ref _hashes, value);
            });
            _listener.Start();
        }

        public long Verifications => Interlocked.Read(ref _verifications);

        public long Hashes => Interlocked.Read(ref _hashes);

        public void Dispose() => _listener.Dispose();
    }
}
