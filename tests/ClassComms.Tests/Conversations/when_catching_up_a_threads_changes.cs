using System.Net;
using ClassComms.Conversations;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Conversations;

/// <summary>
/// webcursor3: <c>GET /api/conversations/{id}/messages?since=</c>, the thread's change cursor: new messages, withdrawals and read
/// receipts made after the cursor the page holds, each once, in the order they happened.
/// </summary>
public sealed class when_catching_up_a_threads_changes(AppFixture app) : IntegrationTest(app)
{
    private static string Since(Guid conversationId, long cursor, int limit = 50) =>
        $"/api/conversations/{conversationId}/messages?since={cursor}&limit={limit}";

    [Fact]
    public async Task since_the_cursor_come_the_new_messages_the_withdrawals_and_the_read_receipts_made_meanwhile()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], "Hello")).Threads[0];
        var oops = await Api.Reply(world.Teacher, thread.ConversationId, "Sent to the wrong family");
        var question = await Api.Reply(mum, thread.ConversationId, "A question");
        var held = await Api.Thread(mum, thread.ConversationId);
        Assert.True(held.Cursor > 0);

        // While mum's page is offline: the teacher unsends, reads mum's question, and writes again.
        await Api.Send(HttpMethod.Delete, $"/api/conversations/{thread.ConversationId}/messages/{oops.MessageId}", null, world.Teacher);
        await Api.Send(HttpMethod.Post, $"/api/conversations/{thread.ConversationId}/read", new MarkRead([question.MessageId]), world.Teacher);
        var answer = await Api.Reply(world.Teacher, thread.ConversationId, "The answer");

        var changes = await Api.Get<ThreadPage>(Since(thread.ConversationId, held.Cursor), mum);
        Assert.Equal([oops.MessageId, question.MessageId, answer.MessageId], changes.Messages.Select(m => m.MessageId));
        var withdrawn = changes.Messages[0];
        Assert.True(withdrawn.Withdrawn);
        Assert.Null(withdrawn.Text);
        Assert.Equal(world.Teacher.UserId, Assert.Single(changes.Messages[1].ReadBy!).ReaderId);
        Assert.Equal("The answer", changes.Messages[2].Text);
        Assert.DoesNotContain(changes.Messages, m => m.MessageId == thread.MessageId); // unchanged: not sent again
        Assert.True(changes.Cursor > held.Cursor);
        Assert.Null(changes.Next);

        var nothing = await Api.Get<ThreadPage>(Since(thread.ConversationId, changes.Cursor), mum);
        Assert.Empty(nothing.Messages);
        Assert.Equal(changes.Cursor, nothing.Cursor);
        Assert.Equal(changes.Cursor, (await Api.Thread(mum, thread.ConversationId)).Cursor);
    }

    [Fact]
    public async Task a_full_page_of_changes_says_next_and_the_cursor_walks_them_once_each()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], "One")).Threads[0];
        var held = (await Api.Thread(mum, thread.ConversationId)).Cursor;
        await Api.Reply(world.Teacher, thread.ConversationId, "Two");
        await Api.Reply(world.Teacher, thread.ConversationId, "Three");
        await Api.Send(HttpMethod.Post, $"/api/conversations/{thread.ConversationId}/read", new MarkRead([thread.MessageId]), mum);

        var seen = new List<string?>();
        var cursor = held;
        for (var i = 0; i < 5; i++)
        {
            var page = await Api.Get<ThreadPage>(Since(thread.ConversationId, cursor, limit: 1), world.Teacher);
            seen.AddRange(page.Messages.Select(m => m.Text));
            cursor = page.Cursor;
            if (page.Next is null) break;
            Assert.Equal(cursor.ToString(System.Globalization.CultureInfo.InvariantCulture), page.Next);
        }

        Assert.Equal(["Two", "Three", "One"], seen); // "One" again because mum read it after the other two were posted
    }

    [Fact]
    public async Task a_guardian_linked_later_gets_no_change_to_a_message_from_before_their_link()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0], "Mum");
        var thread = Assert.Single((await Api.StartConversation(world.Teacher, world.Students[0], "Before", ConversationKinds.Shared)).Threads);
        Clock.Advance(TimeSpan.FromSeconds(1));
        var dad = await Api.GuardianOf(world.Teacher, world.Students[0], "Dad");
        Clock.Advance(TimeSpan.FromSeconds(1));
        var held = await Api.Thread(dad, thread.ConversationId);
        Assert.DoesNotContain(held.Messages, m => m.MessageId == thread.MessageId);

        await Api.Send(HttpMethod.Post, $"/api/conversations/{thread.ConversationId}/read", new MarkRead([thread.MessageId]), mum);
        var after = await Api.Reply(world.Teacher, thread.ConversationId, "After");

        var changes = await Api.Get<ThreadPage>(Since(thread.ConversationId, held.Cursor), dad);
        Assert.Equal([after.MessageId], changes.Messages.Select(m => m.MessageId));
        Assert.Contains((await Api.Get<ThreadPage>(Since(thread.ConversationId, 0), mum)).Messages, m => m.MessageId == thread.MessageId);
    }

    [Fact]
    public async Task a_bad_since_is_a_400_naming_since()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], "Hello")).Threads[0];
        var url = $"/api/conversations/{thread.ConversationId}/messages";

        foreach (var query in new[] { "since=-1", $"since=0&after={thread.MessageId}", $"since=0&before={thread.MessageId}" })
        {
            var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Get, $"{url}?{query}", null, mum);
            Assert.Equal("since", Assert.Single(problem.Errors!.Keys));
        }

        await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Get, $"{url}?since=not-a-number", null, mum);
    }

    [Fact]
    public async Task strangers_to_the_thread_get_404_with_a_cursor()
    {
        var world = await Api.CreateWorld();
        await Api.GuardianOf(world.Teacher, world.Students[0]);
        var otherParent = await Api.GuardianOf(world.Teacher, world.Students[1]);
        var otherSchool = await Api.CreateWorld();
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], "Hello")).Threads[0];

        foreach (var stranger in new[] { otherParent, otherSchool.Teacher })
        {
            await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, Since(thread.ConversationId, 0), null, stranger);
        }
    }
}
