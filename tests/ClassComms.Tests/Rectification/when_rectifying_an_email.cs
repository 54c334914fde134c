using System.Net;
using System.Text.Json;
using ClassComms.Accounts;
using ClassComms.Rectification;
using ClassComms.Tests.Privacy;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Rectification;

public sealed class when_rectifying_an_email(AppFixture app) : IntegrationTest(app)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task a_guardian_confirms_a_new_address_signs_in_with_it_only_the_old_one_is_told_and_stays_sealed_in_history()
    {
        var world = await Api.CreateWorld();
        var guardian = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var newEmail = Support.Api.NewEmail("renamed");

        await Api.Expect<EmailChangePending>(HttpStatusCode.Accepted, HttpMethod.Post, $"/api/members/{guardian.UserId}/email",
            new RectifyEmail(newEmail, Support.Api.Password), guardian);
        var mail = await MailTo(newEmail);
        Assert.False(mail.HasLogin);
        // Nothing changes before the confirmation.
        await Api.Problem(HttpStatusCode.Unauthorized, HttpMethod.Post, "/api/auth/login", new Login(newEmail, Support.Api.Password), null);

        var done = await Api.Post<EmailRectified>("/api/rectifications/email/confirm", new ConfirmEmailChange(mail.Token), guardian, HttpStatusCode.OK);

        Assert.Equal(guardian.LoginId, done.LoginId);
        Assert.Equal(guardian.UserId, (await Api.Login(newEmail)).UserId);
        await Api.Problem(HttpStatusCode.Unauthorized, HttpMethod.Post, "/api/auth/login", new Login(guardian.Email, Support.Api.Password), null);
        var notice = await NoticeTo(guardian.Email);
        Assert.Equal(guardian.LoginId, notice.LoginId);
        Assert.DoesNotContain(NoticeOutbox(), n => n.Email == newEmail);
        foreach (var reader in new[] { guardian, world.Dpo })
        {
            var entry = Assert.Single((await Api.Get<RectificationHistoryView>($"/api/rectifications/{guardian.UserId}/history", reader)).Entries);
            Assert.Equal(("email", guardian.Email, newEmail, guardian.UserId), (entry.Field, entry.Previous, entry.Value, entry.RectifiedBy));
        }

        // The token works once.
        var again = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/rectifications/email/confirm", new ConfirmEmailChange(mail.Token), guardian);
        Assert.Equal(["token"], again.Errors!.Keys);
        var dump = await DatabaseDump.TakeAsync();
        Assert.DoesNotContain(guardian.Email, dump, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(newEmail, dump, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(newEmail.Split('@')[0], dump, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task a_token_expires_and_works_only_for_its_own_login_signed_in()
    {
        var world = await Api.CreateWorld();
        var guardian = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var newEmail = Support.Api.NewEmail("later");
        await Api.Expect<EmailChangePending>(HttpStatusCode.Accepted, HttpMethod.Post, $"/api/members/{guardian.UserId}/email",
            new RectifyEmail(newEmail, Support.Api.Password), guardian);
        var mail = await MailTo(newEmail);

        // Someone else holding the token (the teacher, signed in) cannot use it for their own login or the guardian's.
        await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/rectifications/email/confirm", new ConfirmEmailChange(mail.Token), world.Teacher);
        Clock.Advance(TimeSpan.FromHours(25));
        var expired = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/rectifications/email/confirm", new ConfirmEmailChange(mail.Token),
            guardian);

        Assert.Equal(["token"], expired.Errors!.Keys);
        await Api.Login(guardian.Email);
        await Api.Problem(HttpStatusCode.Unauthorized, HttpMethod.Post, "/api/auth/login", new Login(newEmail, Support.Api.Password), null);
    }

    [Fact]
    public async Task an_address_that_has_a_login_is_answered_like_a_free_one_and_confirming_it_is_a_409_that_changes_nothing()
    {
        var world = await Api.CreateWorld();
        var guardian = await Api.GuardianOf(world.Teacher, world.Students[0]);

        var pending = await Api.Expect<EmailChangePending>(HttpStatusCode.Accepted, HttpMethod.Post, $"/api/members/{guardian.UserId}/email",
            new RectifyEmail(world.Teacher.Email, Support.Api.Password), guardian);
        Assert.Equal(EmailChangePending.Sent, pending);
        var mail = await MailTo(world.Teacher.Email);
        Assert.True(mail.HasLogin);
        var (status, body, _) = await Api.Send(HttpMethod.Post, "/api/rectifications/email/confirm", new ConfirmEmailChange(mail.Token), guardian);

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.DoesNotContain(world.Teacher.Email, body);
        Assert.Equal(guardian.UserId, (await Api.Login(guardian.Email)).UserId);
        Assert.Equal(world.Teacher.UserId, (await Api.Login(world.Teacher.Email)).UserId);
        Assert.Empty((await Api.Get<RectificationHistoryView>($"/api/rectifications/{guardian.UserId}/history", guardian)).Entries);
    }

    [Fact]
    public async Task two_logins_confirming_one_new_address_at_once_one_gets_it_and_the_other_a_409()
    {
        var world = await Api.CreateWorld();
        var people = new[] { await Api.GuardianOf(world.Teacher, world.Students[0], "Mum"), await Api.GuardianOf(world.Teacher, world.Students[1], "Dad") };
        var shared = Support.Api.NewEmail("shared");
        var tokens = new List<string>();
        foreach (var person in people)
        {
            await Api.Expect<EmailChangePending>(HttpStatusCode.Accepted, HttpMethod.Post, $"/api/members/{person.UserId}/email",
                new RectifyEmail(shared, Support.Api.Password), person);
            tokens.Add((await MailTo(shared, seen: tokens.Count)).Token);
        }

        var answers = await Task.WhenAll(people.Select((person, i) => Task.Run(() => Api.Send(HttpMethod.Post, "/api/rectifications/email/confirm",
            new ConfirmEmailChange(tokens[i]), person))));

        Assert.Equal(new[] { HttpStatusCode.OK, HttpStatusCode.Conflict }, answers.Select(a => a.Status).Order());
        var winner = people[Array.FindIndex(answers, a => a.Status == HttpStatusCode.OK)];
        var loser = people.Single(p => p != winner);
        Assert.Equal(winner.UserId, (await Api.Login(shared)).UserId);
        Assert.Equal(loser.UserId, (await Api.Login(loser.Email)).UserId);
        Assert.Empty((await Api.Get<RectificationHistoryView>($"/api/rectifications/{loser.UserId}/history", loser)).Entries);
    }

    [Fact]
    public async Task the_dpo_starts_a_correction_for_a_member_which_the_member_confirms_and_nobody_else_may_start_one()
    {
        var world = await Api.CreateWorld();
        var guardian = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var other = await Api.CreateWorld();
        var newEmail = Support.Api.NewEmail("corrected");

        await Api.Expect<EmailChangePending>(HttpStatusCode.Accepted, HttpMethod.Post, $"/api/members/{world.Teacher.UserId}/email",
            new RectifyEmail(newEmail, Support.Api.Password), world.Dpo);
        var mail = await MailTo(newEmail);
        // The DPO holding the token cannot switch the teacher's login: only the teacher, signed in, can.
        await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/rectifications/email/confirm", new ConfirmEmailChange(mail.Token), world.Dpo);
        await Api.Post<EmailRectified>("/api/rectifications/email/confirm", new ConfirmEmailChange(mail.Token), world.Teacher, HttpStatusCode.OK);
        var entry = Assert.Single((await Api.Get<RectificationHistoryView>($"/api/rectifications/{world.Teacher.UserId}/history", world.Dpo)).Entries);
        Assert.Equal(("email", world.Teacher.Email, newEmail, world.Dpo.UserId), (entry.Field, entry.Previous, entry.Value, entry.RectifiedBy));

        var body = new RectifyEmail(Support.Api.NewEmail("x"), Support.Api.Password);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/members/{guardian.UserId}/email", body, world.Teacher);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/members/{world.Leader.UserId}/email", body, guardian);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/members/{guardian.UserId}/email", body, other.Dpo);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/rectifications/{guardian.UserId}/history", null, other.Dpo);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/members/{Guid.CreateVersion7()}/email", body, world.Dpo);
    }

    [Fact]
    public async Task bad_input_is_a_400_naming_the_field_and_an_erased_member_is_410_and_none_of_it_sends_a_mail()
    {
        var world = await Api.CreateWorld();
        var guardian = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var url = $"/api/members/{guardian.UserId}/email";
        var megabyte = new string('a', 1024 * 1024);

        foreach (var (body, field) in new (object, string)[]
                 {
                     (new RectifyEmail("not an address", Support.Api.Password), "email"),
                     (new RectifyEmail(megabyte + "@school.test", Support.Api.Password), "email"),
                     (new RectifyEmail(Support.Api.NewEmail("x"), megabyte), "currentPassword"),
                     (new RectifyEmail(Support.Api.NewEmail("x"), null), "currentPassword"),
                     (new RectifyEmail(Support.Api.NewEmail("x"), "not the password"), "currentPassword"),
                     (new RectifyEmail(guardian.Email.ToUpperInvariant(), Support.Api.Password), "email"),
                 })
        {
            var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, url, body, guardian);
            Assert.True(problem.Errors?.ContainsKey(field) == true, $"expected '{field}' named: {problem.Detail}");
        }

        var confirm = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/rectifications/email/confirm", new ConfirmEmailChange(megabyte), guardian);
        Assert.Equal(["token"], confirm.Errors!.Keys);
        await Api.EraseGuardian(world.Dpo, guardian.UserId);
        await Api.Problem(HttpStatusCode.Gone, HttpMethod.Post, url, new RectifyEmail(Support.Api.NewEmail("x"), Support.Api.Password), world.Dpo);
        Assert.DoesNotContain(ChangeOutbox(), m => m.LoginId == guardian.LoginId);
    }

    [Fact]
    public async Task erasing_the_member_shreds_both_addresses_in_the_history()
    {
        var world = await Api.CreateWorld();
        var guardian = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var newEmail = Support.Api.NewEmail("renamed");
        await Api.Expect<EmailChangePending>(HttpStatusCode.Accepted, HttpMethod.Post, $"/api/members/{guardian.UserId}/email",
            new RectifyEmail(newEmail, Support.Api.Password), guardian);
        await Api.Post<EmailRectified>("/api/rectifications/email/confirm", new ConfirmEmailChange((await MailTo(newEmail)).Token), guardian, HttpStatusCode.OK);
        await NoticeTo(guardian.Email);

        await Api.EraseGuardian(world.Dpo, guardian.UserId);

        var entry = Assert.Single((await Api.Get<RectificationHistoryView>($"/api/rectifications/{guardian.UserId}/history", world.Dpo)).Entries);
        Assert.Equal(("email", null, null), (entry.Field, entry.Previous, entry.Value));
    }

    private static IReadOnlyList<T> Read<T>(string path) =>
        File.Exists(path)
            ? File.ReadAllLines(path).Where(l => l.EndsWith('}')).Select(l => JsonSerializer.Deserialize<T>(l, Json)!).ToList()
            : [];

    private static IReadOnlyList<EmailChangeMail> ChangeOutbox() => Read<EmailChangeMail>(AppFixture.EmailChangeOutbox);

    private static IReadOnlyList<EmailChangedNotice> NoticeOutbox() => Read<EmailChangedNotice>(AppFixture.EmailChangedNoticeOutbox);

    /// <summary>Waits (bounded) for the handler to write a confirmation mail to <paramref name="email"/> (skipping <paramref name="seen"/> earlier ones).</summary>
    private static async Task<EmailChangeMail> MailTo(string email, int seen = 0)
    {
        for (var i = 0; i < 300; i++)
        {
            var mails = ChangeOutbox().Where(m => string.Equals(m.Email, email, StringComparison.OrdinalIgnoreCase)).ToList();
            if (mails.Count > seen) return mails[^1];
            await Task.Delay(50);
        }

        throw new TimeoutException("No e-mail change mail was written to the outbox.");
    }

    private static async Task<EmailChangedNotice> NoticeTo(string email)
    {
        for (var i = 0; i < 300; i++)
        {
            if (NoticeOutbox().FirstOrDefault(m => string.Equals(m.Email, email, StringComparison.OrdinalIgnoreCase)) is { } notice) return notice;
            await Task.Delay(50);
        }

        throw new TimeoutException("No e-mail changed notice was written to the outbox.");
    }
}
