using System.Net;
using Azure.Storage.Blobs;
using ClassComms.Conversations;
using ClassComms.Media;
using ClassComms.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Wolverine;

namespace ClassComms.Tests.Media;

public sealed class when_an_attachment_is_never_sent(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task its_expiry_is_scheduled_durably_and_deletes_it_unless_it_was_sent()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], "Forms")).Threads[0];
        var sent = await Api.UploadOk(mum, thread.ConversationId, MediaFiles.Pdf("sent"), "sent.pdf", "application/pdf");
        var forgotten = await Api.UploadOk(mum, thread.ConversationId, MediaFiles.Pdf("forgotten"), "forgotten.pdf", "application/pdf");
        await Api.Reply(mum, thread.ConversationId, "Signed", [sent.AttachmentId]);
        Assert.Equal(1, await ScheduledExpiries(forgotten.AttachmentId));
        Assert.Equal(1, await ScheduledExpiries(sent.AttachmentId));
        var blobName = (await Store.QuerySession(world.SchoolId.ToString()).LoadAsync<MediaObject>(forgotten.AttachmentId))!.BlobName;

        // What the durable schedule delivers when the lifetime has passed (invoked now instead of waiting).
        using (var scope = Host.Services.CreateScope())
        {
            var bus = scope.ServiceProvider.GetRequiredService<IMessageBus>();
            await bus.InvokeAsync(new ExpireUnsentAttachment(world.SchoolId, forgotten.AttachmentId));
            await bus.InvokeAsync(new ExpireUnsentAttachment(world.SchoolId, sent.AttachmentId));
        }

        Assert.Null(await Store.QuerySession(world.SchoolId.ToString()).LoadAsync<MediaObject>(forgotten.AttachmentId));
        Assert.False(await Host.Services.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(MediaStore.Container).GetBlobClient(blobName).ExistsAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await Api.Download(mum, forgotten.AttachmentId)).Status);
        await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, $"/api/conversations/{thread.ConversationId}/messages",
            new PostMessage("Late", [forgotten.AttachmentId], false), mum);
        Assert.Equal(HttpStatusCode.OK, (await Api.Download(world.Teacher, sent.AttachmentId)).Status);
    }

    private static async Task<long> ScheduledExpiries(Guid attachmentId)
    {
        await using var connection = new NpgsqlConnection(AppFixture.Required("ConnectionStrings__Marten"));
        await connection.OpenAsync();
        await using var find = new NpgsqlCommand("select table_schema from information_schema.tables where table_name = 'wolverine_incoming_envelopes'", connection);
        var schema = (string)(await find.ExecuteScalarAsync())!;
        await using var count = new NpgsqlCommand(
            $"select count(*) from {schema}.wolverine_incoming_envelopes where message_type like '%ExpireUnsentAttachment%' and status = 'Scheduled' " +
            "and encode(body, 'escape') like '%' || @id || '%'", connection);
        count.Parameters.AddWithValue("id", attachmentId.ToString());
        return (long)(await count.ExecuteScalarAsync())!;
    }
}
