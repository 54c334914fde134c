using System.Net;
using ClassComms.Conversations;
using ClassComms.Media;
using ClassComms.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;

namespace ClassComms.Tests.Media;

/// <summary>
/// The unsent-attachment expiry and a message claiming the attachment, at the same moment: either the message is sent and
/// its attachment stays readable, or the message is refused and the attachment is gone. Never a sent message pointing at
/// a deleted attachment.
/// </summary>
public sealed class when_an_attachment_expires_as_it_is_sent(AppFixture app) : IntegrationTest(app)
{
    private const int Rounds = 8;

    [Fact]
    public async Task a_message_sent_as_its_attachment_expires_keeps_a_readable_attachment_or_is_refused()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], "Forms")).Threads[0];
        var outcomes = new List<string>();

        for (var round = 0; round < Rounds; round++)
        {
            var content = MediaFiles.Pdf($"race {round}");
            var upload = await Api.UploadOk(mum, thread.ConversationId, content, $"form-{round}.pdf", "application/pdf");

            // What the durable schedule delivers when the lifetime has passed, invoked at the moment the message is posted.
            var expiry = Task.Run(async () =>
            {
                using var scope = Host.Services.CreateScope();
                await scope.ServiceProvider.GetRequiredService<IMessageBus>().InvokeAsync(new ExpireUnsentAttachment(world.SchoolId, upload.AttachmentId));
            });
            var claim = Task.Run(() => Api.Send(HttpMethod.Post, $"/api/conversations/{thread.ConversationId}/messages",
                new PostMessage("Signed", [upload.AttachmentId], false), mum));
            await Task.WhenAll(expiry, claim);

            var (status, body, _) = await claim;
            if (status == HttpStatusCode.Created)
            {
                var download = await Api.Download(world.Teacher, upload.AttachmentId);
                Assert.True(download.Status == HttpStatusCode.OK, $"round {round}: the message was sent but its attachment answers {(int)download.Status}");
                Assert.Equal(content, download.Bytes);
                outcomes.Add("sent");
            }
            else
            {
                Assert.True(status is HttpStatusCode.BadRequest or HttpStatusCode.Conflict, $"round {round}: {(int)status} {body}");
                Assert.Equal(HttpStatusCode.NotFound, (await Api.Download(mum, upload.AttachmentId)).Status);
                outcomes.Add("expired");
            }
        }

        Assert.Equal(Rounds, outcomes.Count);
    }
}
