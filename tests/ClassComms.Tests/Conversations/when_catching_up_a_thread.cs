using System.Net;
using ClassComms.Conversations;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Conversations;

/// <summary>webparent: <c>GET /api/conversations/{id}/messages?after=</c>, the thread's catch-up by cursor (a message id).</summary>
public sealed class when_catching_up_a_thread(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task after_a_message_come_only_the_messages_posted_after_it_oldest_first()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], "One")).Threads[0];
        var two = await Api.Reply(mum, thread.ConversationId, "Two");
        await Api.Reply(world.Teacher, thread.ConversationId, "Three");
        await Api.Reply(mum, thread.ConversationId, "Four");

        var caughtUp = await Api.Get<ThreadPage>($"/api/conversations/{thread.ConversationId}/messages?after={two.MessageId}", mum);
        Assert.Equal(["Three", "Four"], caughtUp.Messages.Select(m => m.Text));
        Assert.Null(caughtUp.Next);

        var paged = await Api.Get<ThreadPage>($"/api/conversations/{thread.ConversationId}/messages?after={thread.MessageId}&limit=1", world.Teacher);
        Assert.Equal("Two", Assert.Single(paged.Messages).Text);
        Assert.Equal(two.MessageId.ToString(), paged.Next);

        var newest = (await Api.Thread(mum, thread.ConversationId)).Messages[0].MessageId;
        Assert.Empty((await Api.Get<ThreadPage>($"/api/conversations/{thread.ConversationId}/messages?after={newest}", mum)).Messages);
    }

    [Fact]
    public async Task a_bad_after_is_a_400_naming_after_without_echoing_it()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);
        await Api.GuardianOf(world.Teacher, world.Students[1]);
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], "Hello")).Threads[0];
        var other = (await Api.StartConversation(world.Teacher, world.Students[1], "Elsewhere")).Threads[0];

        foreach (var after in new[] { other.MessageId.ToString(), Guid.NewGuid().ToString(), "not-a-guid-<script>" })
        {
            var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Get,
                $"/api/conversations/{thread.ConversationId}/messages?after={Uri.EscapeDataString(after)}", null, mum);
            Assert.Equal("after", Assert.Single(problem.Errors!.Keys));
            Assert.DoesNotContain(after, $"{problem.Title} {problem.Detail} {string.Join(" ", problem.Errors.Values.SelectMany(v => v))}");
        }

        var both = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Get,
            $"/api/conversations/{thread.ConversationId}/messages?after={thread.MessageId}&before={thread.MessageId}", null, mum);
        Assert.Equal("after", Assert.Single(both.Errors!.Keys));
    }

    [Fact]
    public async Task strangers_to_the_thread_get_404_with_a_valid_cursor()
    {
        var world = await Api.CreateWorld();
        await Api.GuardianOf(world.Teacher, world.Students[0]);
        var otherParent = await Api.GuardianOf(world.Teacher, world.Students[1]);
        var otherSchool = await Api.CreateWorld();
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], "Hello")).Threads[0];

        foreach (var stranger in new[] { otherParent, otherSchool.Teacher })
        {
            await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/conversations/{thread.ConversationId}/messages?after={thread.MessageId}",
                null, stranger);
        }
    }
}
