using ClassComms.Conversations;
using ClassComms.Notifications;
using ClassComms.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;

namespace ClassComms.Tests.Notifications;

/// <summary>
/// A message notice names its conversation and class so the push reads everything in one round trip; a notice that names
/// neither (queued durably by an older build before an upgrade) must still be pushed, to the same people, with the same cursor.
/// </summary>
public sealed class when_a_notice_names_no_conversation(AppFixture app) : IntegrationTest(app)
{
    private const string Received = nameof(INotificationClient.MessageReceived);

    [Fact]
    public async Task an_announcement_notice_without_them_is_pushed_like_one_with_them()
    {
        var world = await Api.CreateWorld();
        var parent = await Api.GuardianOf(world.Teacher, world.Students[0]);
        await using var phone = await HubClient.Connect(App, parent);
        var posted = await Api.Announce(world.Teacher, world.ClassId, "Sports day on Friday");
        await phone.WaitFor<MessageNotice>(Received, n => n.MessageId == posted.MessageId);

        await Host.Services.GetRequiredService<IMessageBus>().PublishAsync(new MessageChanged(world.Teacher.SchoolId, posted.MessageId));

        await phone.WaitFor<MessageNotice>(Received, _ => Count(phone, posted.MessageId) == 2);
        var both = phone.All<MessageNotice>(Received).Where(n => n.MessageId == posted.MessageId).ToList();
        Assert.Equal(2, both.Count);
        Assert.NotNull(both[0].Cursor);
        Assert.Equal(both[0], both[1]);
    }

    [Fact]
    public async Task a_student_thread_notice_without_them_reaches_that_students_guardian_and_not_another_family()
    {
        var world = await Api.CreateWorld();
        var parent = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var otherFamily = await Api.GuardianOf(world.Teacher, world.Students[1], "Olga Other");
        await using var phone = await HubClient.Connect(App, parent);
        await using var other = await HubClient.Connect(App, otherFamily);
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], "A word about today", ConversationKinds.Shared)).Threads.Single();
        await phone.WaitFor<MessageNotice>(Received, n => n.MessageId == thread.MessageId);

        await Host.Services.GetRequiredService<IMessageBus>().PublishAsync(new MessageChanged(world.Teacher.SchoolId, thread.MessageId));

        await phone.WaitFor<MessageNotice>(Received, _ => Count(phone, thread.MessageId) == 2);
        await Task.Delay(TimeSpan.FromMilliseconds(300)); // sent in the same handler run as the parent's; let a wrong one arrive
        Assert.DoesNotContain(other.All<MessageNotice>(Received), n => n.MessageId == thread.MessageId);
    }

    private static int Count(HubClient client, Guid messageId) => client.All<MessageNotice>(Received).Count(n => n.MessageId == messageId);
}
