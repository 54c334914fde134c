using ClassComms.Notifications;
using ClassComms.Tests.Support;
using Microsoft.AspNetCore.TestHost;

namespace ClassComms.Tests.Notifications;

/// <summary>
/// Two nodes behind one Redis backplane: the teacher works through node A (the shared host), the parent's phone is connected
/// to node B only. The push is sent by node A (it committed the award or the message); only the backplane can carry it to B.
/// </summary>
public sealed class when_a_parent_is_connected_to_another_node(AppFixture app, SecondNode nodeB) : IntegrationTest(app), IClassFixture<SecondNode>
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        nodeB.Reset();
    }

    [Fact]
    public async Task the_parent_receives_the_point_a_teacher_awarded_on_the_other_node()
    {
        var world = await Api.CreateWorld("Ada Lovelace", "Ben Franklin");
        var parent = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var othersParent = await Api.GuardianOf(world.Teacher, world.Students[1]);
        await using var phoneOnB = await HubClient.Connect(nodeB.Host.GetTestServer(), parent);
        await using var otherPhoneOnB = await HubClient.Connect(nodeB.Host.GetTestServer(), othersParent);

        var award = await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [world.Students[0]]);
        var toOther = await Api.Award(world.Teacher, world.ClassId, world.Positive.Id, [world.Students[1]]);

        var notice = await phoneOnB.WaitFor(nameof(INotificationClient.PointAwarded), n => n.PointId == award.Points[0].PointId);
        Assert.Equal(world.Students[0], notice.StudentId);
        // The backplane carries each push to its own audience only: the other child's point reaches the other parent...
        await otherPhoneOnB.WaitFor(nameof(INotificationClient.PointAwarded), n => n.PointId == toOther.Points[0].PointId);
        // ...and never this one.
        Assert.All(phoneOnB.All<PointNotice>(nameof(INotificationClient.PointAwarded)), n => Assert.Equal(world.Students[0], n.StudentId));
        // What the push points to is readable through node B.
        var history = await nodeB.Api.GetHistory(parent, world.Students[0]);
        Assert.Contains(history.Points, p => p.PointId == award.Points[0].PointId);
    }

    [Fact]
    public async Task the_parent_receives_the_message_a_teacher_sent_on_the_other_node()
    {
        var world = await Api.CreateWorld();
        var parent = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var opened = await Api.StartConversation(world.Teacher, world.Students[0], "Hello.");
        var thread = opened.Threads.Single();
        await using var phoneOnB = await HubClient.Connect(nodeB.Host.GetTestServer(), parent);

        var reply = await Api.Reply(world.Teacher, thread.ConversationId, "The trip is on Friday.");

        var notice = await phoneOnB.WaitFor<MessageNotice>(nameof(INotificationClient.MessageReceived), n => n.MessageId == reply.MessageId);
        var page = await nodeB.Api.Inbox(parent, notice.Cursor!.Value - 1);
        Assert.Equal(reply.MessageId, page.Items.First().Message.MessageId);
    }
}
