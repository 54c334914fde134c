using ClassComms.Conversations;
using ClassComms.Notifications;
using ClassComms.Tests.Support;
using Microsoft.AspNetCore.TestHost;

namespace ClassComms.Tests.Notifications;

/// <summary>
/// Two hosts on one database: the async daemon (HotCold) runs on the shared host, which started first; host B runs none.
/// A message sent through B is pushed by B, readable at receipt: the inbox is written in the message's transaction, so B
/// depends on no other node.
/// </summary>
public sealed class when_the_daemon_runs_on_another_node(AppFixture app) : IntegrationTest(app)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task a_message_sent_through_this_node_is_pushed_here_readable_at_receipt()
    {
        await using var nodeB = await AppFixture.StartHostAsync(AppFixture.Required("ConnectionStrings__Marten"));
        var onB = new Support.Api(nodeB);
        var world = await Api.CreateWorld();
        var parent = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var opened = await Api.StartConversation(world.Teacher, world.Students[0], "Hello.");
        var thread = opened.Threads.Single();
        await using var phone = await HubClient.Connect(nodeB.GetTestServer(), parent);

        var reply = await onB.Reply(world.Teacher, thread.ConversationId, "The trip is on Friday.");

        var notice = await phone.WaitFor<MessageNotice>(nameof(INotificationClient.MessageReceived), n => n.MessageId == reply.MessageId, Bound);
        var page = await onB.Inbox(parent, notice.Cursor!.Value - 1);
        Assert.Equal(reply.MessageId, page.Items.First().Message.MessageId);
    }
}
