using System.Collections.Concurrent;
using System.Net;
using ClassComms.Consents;
using ClassComms.Notifications;
using ClassComms.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;
using Npgsql;

namespace ClassComms.Tests.Consents;

public sealed class when_a_student_reaches_the_age_of_consent(AppFixture app) : IntegrationTest(app)
{
    private static readonly TimeZoneInfo SchoolZone = TimeZoneInfo.FindSystemTimeZoneById("America/Toronto"); // the school default

    [Fact]
    public async Task at_the_birthday_the_student_decides_the_guardians_are_told_and_earlier_consents_stay_until_the_student_answers()
    {
        var world = await Api.CreateWorld();
        var student = world.Students[0];
        var mum = await Api.GuardianOf(world.Teacher, student);
        await Api.SetJurisdiction(world.Leader, "CA-QC");
        await Api.Change(mum, student, ConsentPurposes.ClassStoryMedia, true);
        await Api.Change(mum, student, ConsentPurposes.PortfolioSharing, true);
        var pushes = new ConcurrentQueue<AgeOfConsentNotice>();
        await using var mumsPhone = HubClient.NewConnection(Host.GetTestServer(), mum.Token);
        mumsPhone.On<AgeOfConsentNotice>(nameof(INotificationClient.AgeOfConsentReached), pushes.Enqueue);
        await mumsPhone.StartAsync();

        // Turns 14 tomorrow (school time): nothing is scheduled at that birthday (the daily sweep will find it).
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(Clock.GetUtcNow(), SchoolZone).DateTime);
        var birthDate = today.AddDays(1).AddYears(-14);
        await Api.SetBirthDate(world.Teacher, student, birthDate.ToString("yyyy-MM-dd"));
        var birthday = AgeOfConsent.Birthday(birthDate, 14, SchoolZone);
        Assert.Empty(await ScheduledSteps(student));
        Assert.Equal(birthday, (await Api.Consents(world.Teacher, student)).StudentDecidesFrom);

        // Run early (as after a corrected birth date): nothing happens, the guardians still decide.
        await Host.Services.RunAgeOfConsentStep(world.SchoolId, student);
        Assert.Empty((await Store.StreamEvents(world.SchoolId, student)).OfType<StudentReachedAgeOfConsent>());
        Assert.True((await Api.Change(mum, student, ConsentPurposes.PortfolioSharing, false)).Changed);

        // The birthday passes: guardians are refused from the birthday itself, even before the step has run.
        Clock.Advance(TimeSpan.FromDays(2));
        var refused = await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, ConsentScenarios.Url(student),
            new ChangeConsent(ConsentPurposes.SchoolStoryMedia, true, null), mum);
        Assert.Contains("age of consent", refused.Detail);

        await Host.Services.RunAgeOfConsentStep(world.SchoolId, student);
        await Host.Services.RunAgeOfConsentStep(world.SchoolId, student); // idempotent

        var reached = Assert.Single((await Store.StreamEvents(world.SchoolId, student)).OfType<StudentReachedAgeOfConsent>());
        Assert.Equal(("CA-QC", 14), (reached.Jurisdiction, reached.AgeOfConsent));
        Assert.Equal([ConsentPurposes.ClassStoryMedia], reached.Reasked);
        var view = await Api.Consents(mum, student);
        Assert.Equal(GetConsentsEndpoint.TheStudent, view.DecidedBy);
        Assert.NotNull(view.StudentDecidesSince);
        // The earlier consent stays in force until the student answers; it is marked to confirm.
        var classStory = view.Consents.Single(c => c.Purpose == ConsentPurposes.ClassStoryMedia);
        Assert.True(classStory.Given && classStory.ToConfirmByStudent);
        Assert.False(view.Consents.Single(c => c.Purpose == ConsentPurposes.PortfolioSharing).Given);
        var history = (await Api.ConsentHistory(mum, student)).Entries;
        Assert.Equal("studentReachedAgeOfConsent", history[^1].Kind);
        Assert.Equal("system", history[^1].ActorRole);
        Assert.Equal([ConsentPurposes.ClassStoryMedia], history[^1].Reasked);

        // The guardian is told, once (ids and purposes only).
        await WaitUntil(() => !pushes.IsEmpty);
        var notice = Assert.Single(pushes);
        Assert.Equal(student, notice.StudentId);
        Assert.Equal([ConsentPurposes.ClassStoryMedia], notice.Reasked);

        // Withdrawing stays as easy for staff recording the student's own form; the guardian's is refused.
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, ConsentScenarios.Url(student),
            new ChangeConsent(ConsentPurposes.ClassStoryMedia, false, null), mum);
        var confirmed = await Api.Change(world.Teacher, student, ConsentPurposes.ClassStoryMedia, true, "Signed by the student");
        Assert.True(confirmed.Changed);
        Assert.False((await Api.Consents(mum, student)).Consents.Single(c => c.Purpose == ConsentPurposes.ClassStoryMedia).ToConfirmByStudent);
    }

    [Fact]
    public async Task a_birth_date_already_past_the_age_hands_over_at_once()
    {
        var world = await Api.CreateWorld();
        var student = world.Students[0];
        var mum = await Api.GuardianOf(world.Teacher, student);
        await Api.SetJurisdiction(world.Leader, "IE");
        await Api.Change(mum, student, ConsentPurposes.SchoolStoryMedia, true);

        await Api.SetBirthDate(world.Teacher, student, DateOnly.FromDateTime(DateTime.UtcNow).AddYears(-17).ToString("yyyy-MM-dd"));

        var handedOver = await Store.WaitForStudent(world.SchoolId, student, s => s.AgeOfConsentReachedAt is not null);
        Assert.Equal([ConsentPurposes.SchoolStoryMedia], handedOver.ConsentsAwaitingStudent);
        Assert.True(handedOver.HasConsent(ConsentPurposes.SchoolStoryMedia));
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, ConsentScenarios.Url(student),
            new ChangeConsent(ConsentPurposes.SchoolStoryMedia, false, null), mum);
    }

    [Fact]
    public async Task choosing_the_jurisdiction_later_checks_every_student_with_a_birth_date()
    {
        var world = await Api.CreateWorld();
        var (older, younger) = (world.Students[0], world.Students[1]);
        var mum = await Api.GuardianOf(world.Teacher, older);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await Api.SetBirthDate(world.Teacher, older, today.AddYears(-14).AddDays(-10).ToString("yyyy-MM-dd"));
        await Api.SetBirthDate(world.Teacher, younger, today.AddYears(-12).ToString("yyyy-MM-dd"));
        Assert.True((await Api.Change(mum, older, ConsentPurposes.ClassStoryMedia, true)).Changed); // no jurisdiction: guardians decide

        await Api.SetJurisdiction(world.Leader, "ES"); // 14

        await Store.WaitForStudent(world.SchoolId, older, s => s.AgeOfConsentReachedAt is not null);
        Assert.Equal(GetConsentsEndpoint.TheStudent, (await Api.Consents(mum, older)).DecidedBy);
        var youngerFrom = (await Api.Consents(world.Teacher, younger)).StudentDecidesFrom;
        Assert.Equal(AgeOfConsent.Birthday(today.AddYears(-12), 14, SchoolZone), youngerFrom);
        Assert.Empty(await ScheduledSteps(younger));
        Assert.Empty((await Store.StreamEvents(world.SchoolId, younger)).OfType<StudentReachedAgeOfConsent>());
        Assert.True(youngerFrom > Clock.GetUtcNow());
    }

    private static async Task WaitUntil(Func<bool> done) => await WaitUntil(() => Task.FromResult(done()));

    private static async Task WaitUntil(Func<Task<bool>> done)
    {
        for (var i = 0; i < 400 && !await done(); i++) await Task.Delay(50);
        Assert.True(await done(), "not within 20 s");
    }

    /// <summary>When a durable schedule would deliver the step for <paramref name="studentId"/> (Wolverine's incoming envelopes): never.</summary>
    private static async Task<IReadOnlyList<DateTimeOffset>> ScheduledSteps(Guid studentId)
    {
        await using var connection = new NpgsqlConnection(AppFixture.Required("ConnectionStrings__Marten"));
        await connection.OpenAsync();
        await using var find = new NpgsqlCommand("select table_schema from information_schema.tables where table_name = 'wolverine_incoming_envelopes'", connection);
        var schema = (string)(await find.ExecuteScalarAsync())!;
        await using var query = new NpgsqlCommand(
            $"select execution_time from {schema}.wolverine_incoming_envelopes where message_type like '%ReachAgeOfConsent%' and status = 'Scheduled' " +
            "and encode(body, 'escape') like '%' || @id || '%'", connection);
        query.Parameters.AddWithValue("id", studentId.ToString());
        var times = new List<DateTimeOffset>();
        await using var reader = await query.ExecuteReaderAsync();
        while (await reader.ReadAsync()) times.Add(new DateTimeOffset(reader.GetDateTime(0).ToUniversalTime(), TimeSpan.Zero));
        return times;
    }
}
