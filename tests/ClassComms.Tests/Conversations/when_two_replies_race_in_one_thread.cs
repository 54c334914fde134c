using ClassComms.Tests.Support;
using Marten;

namespace ClassComms.Tests.Conversations;

/// <summary>
/// A reply locks the conversation's stream for its transaction (Conversations/PostMessage.cs, <c>FetchForExclusiveWriting</c>):
/// two replies in one thread at the same moment are written one after the other, neither refused nor lost.
/// </summary>
public sealed class when_two_replies_race_in_one_thread(AppFixture app) : IntegrationTest(app)
{
    private const int Rounds = 8;

    [Fact]
    public async Task both_are_accepted_and_the_thread_holds_each_once()
    {
        var world = await Api.CreateWorld();
        var parent = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], "First")).Threads.Single().ConversationId;
        long versionBefore;
        await using (var session = Store.QuerySession(world.SchoolId.ToString("D")))
        {
            versionBefore = (await session.Events.FetchStreamStateAsync(thread))!.Version;
        }

        var sent = new List<Guid>();
        for (var round = 0; round < Rounds; round++)
        {
            // Api.Reply fails the test on anything but 201.
            var both = await Task.WhenAll(
                Task.Run(() => Api.Reply(world.Teacher, thread, $"Teacher {round}")),
                Task.Run(() => Api.Reply(parent, thread, $"Parent {round}")));
            sent.AddRange(both.Select(m => m.MessageId));
        }

        var page = await Api.Thread(world.Teacher, thread);
        Assert.Equal(2 * Rounds + 1, page.Messages.Count);
        Assert.All(sent, id => Assert.Single(page.Messages, m => m.MessageId == id));
        await using (var session = Store.QuerySession(world.SchoolId.ToString("D")))
        {
            // One event per reply on the conversation's stream: none overwrote another.
            Assert.Equal(versionBefore + 2 * Rounds, (await session.Events.FetchStreamStateAsync(thread))!.Version);
        }
    }
}
