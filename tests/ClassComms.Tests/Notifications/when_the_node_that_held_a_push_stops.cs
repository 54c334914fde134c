using System.Net;
using ClassComms.Notifications;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Notifications;

/// <summary>
/// Quiet hours are cluster-safe: a push held until they end is a Wolverine message scheduled durably in PostgreSQL, not a
/// timer in the node that received the message. Here node C receives the reply and holds the teacher's push, then stops
/// before quiet hours end; the surviving node (the shared host) delivers it to the teacher's phone when they end.
/// </summary>
public sealed class when_the_node_that_held_a_push_stops(AppFixture app) : IntegrationTest(app)
{
    private const string Received = nameof(INotificationClient.MessageReceived);

    [Fact]
    public async Task a_surviving_node_delivers_it_when_quiet_hours_end()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], "Hello")).Threads[0];
        await Api.Post<QuietHours?>("/api/school/quiet-hours", new SetQuietHours("03:00", "03:01", "Etc/UTC"), world.Leader, HttpStatusCode.OK);
        await using var teacherApp = await HubClient.Connect(App, world.Teacher);

        Guid replyId;
        DateTime end;
        await using (var nodeC = await AppFixture.StartHostAsync(AppFixture.Required("ConnectionStrings__Marten")))
        {
            var now = DateTime.UtcNow;
            end = now.AddSeconds(15);
            await Api.Post<QuietHours>("/api/me/quiet-hours",
                new SetQuietHours(now.AddMinutes(-1).ToString("HH:mm:ss"), end.ToString("HH:mm:ss"), null), world.Teacher, HttpStatusCode.OK);
            replyId = (await new Support.Api(nodeC).Reply(mum, thread.ConversationId, "Question about tomorrow")).MessageId;
            Assert.Contains((await Api.Inbox(world.Teacher)).Items, i => i.Message.MessageId == replyId);
        } // node C stops, with the held push still scheduled

        await teacherApp.WaitFor<MessageNotice>(Received, n => n.MessageId == replyId, TimeSpan.FromSeconds(90));
        Assert.True(DateTime.UtcNow >= end.AddMilliseconds(-999), "the held push arrived before quiet hours ended");
    }
}
