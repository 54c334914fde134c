using System.Net;
using ClassComms.Conversations;
using ClassComms.Notifications;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Notifications;

public sealed class when_quiet_hours_and_mutes_apply(AppFixture app) : IntegrationTest(app)
{
    private const string Received = nameof(INotificationClient.MessageReceived);

    [Fact]
    public async Task a_teacher_in_quiet_hours_gets_the_message_in_the_inbox_and_the_push_when_they_end()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], "Hello")).Threads[0];
        await SetSchoolUtc(world);
        var now = DateTime.UtcNow;
        var end = now.AddSeconds(6);
        await Api.Post<QuietHours>("/api/me/quiet-hours",
            new SetQuietHours(now.AddMinutes(-1).ToString("HH:mm:ss"), end.ToString("HH:mm:ss"), null), world.Teacher, HttpStatusCode.OK);
        await using var teacherApp = await HubClient.Connect(App, world.Teacher);

        var reply = await Api.Reply(mum, thread.ConversationId, "Question about tomorrow");
        await ProjectionsCaughtUp();
        Assert.Contains((await Api.Inbox(world.Teacher)).Items, i => i.Message.MessageId == reply.MessageId);
        Assert.DoesNotContain(teacherApp.All<MessageNotice>(Received), n => n.MessageId == reply.MessageId);

        await teacherApp.WaitFor<MessageNotice>(Received, n => n.MessageId == reply.MessageId, TimeSpan.FromSeconds(40));
        Assert.True(DateTime.UtcNow >= end.AddMilliseconds(-999), "the held push arrived before quiet hours ended");
    }

    [Fact]
    public async Task an_urgent_message_from_a_leader_ignores_quiet_hours_and_mutes()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);
        await SetSchoolUtc(world);
        var now = DateTime.UtcNow;
        await Api.Post<QuietHours>("/api/school/quiet-hours",
            new SetQuietHours(now.AddMinutes(-5).ToString("HH:mm"), now.AddMinutes(30).ToString("HH:mm"), "Etc/UTC"), world.Leader, HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.NoContent, (await Api.Send(HttpMethod.Post, $"/api/guardians/me/muted-classes/{world.ClassId}", null, mum)).Status);
        await using var teacherApp = await HubClient.Connect(App, world.Teacher);
        await using var mumApp = await HubClient.Connect(App, mum);

        var muted = await Api.Announce(world.Teacher, world.ClassId, "Library books due");
        var urgent = await Api.Announce(world.Leader, world.ClassId, "School closes at noon today", urgent: true);
        await mumApp.WaitFor<MessageNotice>(Received, n => n.MessageId == urgent.MessageId);
        Assert.DoesNotContain(mumApp.All<MessageNotice>(Received), n => n.MessageId == muted.MessageId);
        await ProjectionsCaughtUp();
        Assert.Contains((await Api.Inbox(mum)).Items, i => i.Message.MessageId == muted.MessageId);

        // The teacher is in the school's default quiet hours: a guardian's reply waits, the leader's urgent one does not.
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], "Hi")).Threads[0];
        await Api.Send(HttpMethod.Post, $"/api/conversations/{thread.ConversationId}/join", null, world.Leader);
        var quietReply = await Api.Reply(mum, thread.ConversationId, "Can we talk?");
        var urgentReply = await Api.Reply(world.Leader, thread.ConversationId, "Please call the office", urgent: true);
        await teacherApp.WaitFor<MessageNotice>(Received, n => n.MessageId == urgentReply.MessageId);
        Assert.DoesNotContain(teacherApp.All<MessageNotice>(Received), n => n.MessageId == quietReply.MessageId);
    }

    [Fact]
    public async Task bad_settings_are_400s_and_only_the_right_roles_set_them()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var other = await Api.CreateWorld();
        Assert.Contains("start", (await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/me/quiet-hours", new SetQuietHours("25:00", "07:00", null), world.Teacher)).Errors!.Keys);
        Assert.Contains("timeZone", (await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, "/api/school/quiet-hours", new SetQuietHours("19:00", "07:00", "Mars/Olympus"), world.Leader)).Errors!.Keys);
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, "/api/school/quiet-hours", new SetQuietHours("19:00", "07:00", null), world.Teacher);
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, "/api/me/quiet-hours", new SetQuietHours("19:00", "07:00", null), mum);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/guardians/me/muted-classes/{other.ClassId}", null, mum);
    }

    [Fact]
    public async Task staff_read_back_their_own_quiet_hours_and_the_schools_default()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);
        Assert.Null((await Api.Get<MyQuietHours>("/api/me/quiet-hours", world.Teacher)).Mine);
        await Api.Post<QuietHours>("/api/school/quiet-hours", new SetQuietHours("20:00", "06:30", null), world.Leader, HttpStatusCode.OK);
        await Api.Post<QuietHours>("/api/me/quiet-hours", new SetQuietHours("19:00", "07:00", null), world.Teacher, HttpStatusCode.OK);

        var read = await Api.Get<MyQuietHours>("/api/me/quiet-hours", world.Teacher);
        Assert.Equal(new QuietHours(new TimeOnly(19, 0), new TimeOnly(7, 0)), read.Mine);
        Assert.Equal(new QuietHours(new TimeOnly(20, 0), new TimeOnly(6, 30)), read.School);
        Assert.Null((await Api.Get<MyQuietHours>("/api/me/quiet-hours", world.Leader)).Mine); // the teacher's own, not the leader's

        Assert.Equal(HttpStatusCode.NoContent, (await Api.Send(HttpMethod.Delete, "/api/me/quiet-hours", null, world.Teacher)).Status);
        read = await Api.Get<MyQuietHours>("/api/me/quiet-hours", world.Teacher);
        Assert.Null(read.Mine);
        Assert.NotNull(read.School);
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Get, "/api/me/quiet-hours", null, mum);
    }

    [Theory]
    [InlineData("19:00", "07:00", "2026-11-23T23:30:00Z", "2026-11-24T07:00:00Z")]
    [InlineData("19:00", "07:00", "2026-11-24T06:59:00Z", "2026-11-24T07:00:00Z")]
    [InlineData("19:00", "07:00", "2026-11-24T12:00:00Z", null)]
    [InlineData("12:00", "13:00", "2026-11-24T12:30:00Z", "2026-11-24T13:00:00Z")]
    [InlineData("12:00", "13:00", "2026-11-24T13:00:00Z", null)]
    public void quiet_periods_end_at_the_next_end_time_across_midnight(string start, string end, string now, string? expected)
    {
        var hours = new QuietHours(TimeOnly.Parse(start), TimeOnly.Parse(end));
        var actual = hours.EndOfQuietPeriod(DateTimeOffset.Parse(now), TimeZoneInfo.Utc);
        Assert.Equal(expected is null ? null : DateTimeOffset.Parse(expected), actual);
    }

    private async Task SetSchoolUtc(World world) =>
        await Api.Post<QuietHours?>("/api/school/quiet-hours", new SetQuietHours("03:00", "03:01", "Etc/UTC"), world.Leader, HttpStatusCode.OK);
}
