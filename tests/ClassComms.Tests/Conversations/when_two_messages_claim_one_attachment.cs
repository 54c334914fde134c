using System.Net;
using ClassComms.Conversations;
using ClassComms.Media;
using ClassComms.Tests.Media;
using ClassComms.Tests.Support;
using Marten;

namespace ClassComms.Tests.Conversations;

public sealed class when_two_messages_claim_one_attachment(AppFixture app) : IntegrationTest(app)
{
    private const int Rounds = 6;

    [Fact]
    public async Task at_the_same_moment_exactly_one_is_sent_the_other_gets_409_and_nothing_of_it_is_committed()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], "Opening")).Threads[0];
        var url = $"/api/conversations/{thread.ConversationId}/messages";

        var winners = new Dictionary<Guid, string>();
        for (var round = 0; round < Rounds; round++)
        {
            var attachment = await Api.UploadOk(world.Teacher, thread.ConversationId, MediaFiles.Pdf($"round {round}"), $"sheet-{round}.pdf", "application/pdf");
            var texts = new[] { $"claim {round} a", $"claim {round} b" };
            var answers = await Task.WhenAll(texts.Select(text => Task.Run(() =>
                Api.Send(HttpMethod.Post, url, new PostMessage(text, [attachment.AttachmentId], false), world.Teacher))));

            var statuses = answers.Select(a => a.Status).OrderBy(s => s).ToArray();
            Assert.True(statuses.SequenceEqual([HttpStatusCode.Created, HttpStatusCode.Conflict]),
                $"round {round}: {string.Join(", ", answers.Select(a => $"{(int)a.Status} {a.Body}"))}");
            winners[attachment.AttachmentId] = texts[Array.FindIndex(answers, a => a.Status == HttpStatusCode.Created)];
        }

        // Only the winners were written: one message per attachment, which names the message that holds it.
        var messages = (await Api.Thread(world.Teacher, thread.ConversationId)).Messages.Where(m => m.Text?.StartsWith("claim") == true).ToList();
        Assert.Equal(Rounds, messages.Count);
        await using var session = Store.QuerySession(world.SchoolId.ToString());
        foreach (var message in messages)
        {
            var attachment = Assert.Single(message.Attachments);
            Assert.Equal(winners[attachment.AttachmentId], message.Text);
            Assert.Equal(message.MessageId, (await session.LoadAsync<MediaObject>(attachment.AttachmentId))!.MessageId);
        }

        Assert.Equal(Rounds + 1, (await session.Events.QueryRawEventDataOnly<MessagePosted>().ToListAsync()).Count);
        // Nor was the losers' push sent: the guardian's inbox holds the opening message and the winners only.
        await ProjectionsCaughtUp();
        Assert.Equal(Rounds + 1, (await Api.Inbox(mum)).Items.Count);
    }

    [Fact]
    public async Task one_after_the_other_the_second_gets_409()
    {
        var world = await Api.CreateWorld();
        await Api.GuardianOf(world.Teacher, world.Students[0]);
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], "Opening")).Threads[0];
        var attachment = await Api.UploadOk(world.Teacher, thread.ConversationId, MediaFiles.Pdf("once"), "once.pdf", "application/pdf");
        await Api.Reply(world.Teacher, thread.ConversationId, "first", [attachment.AttachmentId]);

        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, $"/api/conversations/{thread.ConversationId}/messages",
            new PostMessage("second", [attachment.AttachmentId], false), world.Teacher);
    }
}
