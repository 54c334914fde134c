using ClassComms.Conversations;
using ClassComms.Tests.Support;
using Marten;

namespace ClassComms.Tests.PersonalData;

/// <summary>Sealed message bodies are bound to their message: one copied into another record does not open.</summary>
public sealed class when_a_sealed_value_is_copied_to_another_record(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task a_message_body_copied_into_another_message_reads_as_unreadable()
    {
        var world = await Api.CreateWorld();
        await Api.GuardianOf(world.Teacher, world.Students[0]);
        var conversationId = (await Api.StartConversation(world.Teacher, world.Students[0], "Original words")).Threads[0].ConversationId;
        var second = await Api.Reply(world.Teacher, conversationId, "Second words");

        // Someone with write access to the database copies the first body into the second message's record.
        await using (var session = Store.LightweightSession(world.SchoolId.ToString()))
        {
            var views = await session.Query<MessageView>().Where(m => m.ConversationId == conversationId).ToListAsync();
            var original = views.Single(v => v.Id != second.MessageId);
            session.Store(views.Single(v => v.Id == second.MessageId) with { Body = original.Body });
            await session.SaveChangesAsync();
        }

        var thread = await Api.Thread(world.Teacher, conversationId);
        Assert.Equal("Original words", thread.Messages.Single(m => m.MessageId != second.MessageId).Text);
        Assert.Null(thread.Messages.Single(m => m.MessageId == second.MessageId).Text);
    }
}
