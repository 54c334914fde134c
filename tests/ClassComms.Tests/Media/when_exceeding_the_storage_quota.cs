using System.Net;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ClassComms.Media;
using ClassComms.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace ClassComms.Tests.Media;

public sealed class when_exceeding_the_storage_quota(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task an_upload_past_the_users_quota_answers_413_naming_the_file_and_stores_nothing()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], "Videos")).Threads[0];
        var sixMegabytes = 6 * 1024 * 1024;

        await Api.UploadOk(mum, thread.ConversationId, MediaFiles.Video(sixMegabytes), "one.mp4", "video/mp4");
        var (status, body, _) = await Api.Upload(mum, thread.ConversationId, MediaFiles.Video(sixMegabytes + 1024), "two.mp4", "video/mp4");
        Assert.True(status == HttpStatusCode.RequestEntityTooLarge, $"expected 413, got {(int)status}: {body}");
        Assert.Contains("\"file\"", body);
        Assert.Contains("quota", body);

        Assert.Single(await Store.QuerySession(world.SchoolId.ToString()).Query<MediaObject>().ToListAsync());
        var blobs = new List<string>();
        await foreach (var blob in Host.Services.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(MediaStore.Container)
                           .GetBlobsAsync(new GetBlobsOptions { Prefix = $"{world.SchoolId:N}/", States = BlobStates.Uncommitted }))
        {
            blobs.Add(blob.Name);
        }

        Assert.Single(blobs);
        // The quota is the uploader's own: the teacher can still upload, and mum can still send something that fits.
        await Api.UploadOk(world.Teacher, thread.ConversationId, MediaFiles.Video(sixMegabytes + 1024), "teacher.mp4", "video/mp4");
        await Api.UploadOk(mum, thread.ConversationId, MediaFiles.Video(1024 * 1024), "short.mp4", "video/mp4");
    }
}
