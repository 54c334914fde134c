using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Azure.Storage.Blobs;
using ClassComms.Media;
using ClassComms.PersonalData;
using ClassComms.Tests.Support;
using Marten;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ClassComms.Tests.Media;

public sealed class when_downloading_media(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task a_video_is_served_whole_and_in_ranges_that_match_the_original()
    {
        var (mum, attachmentId, video, _) = await SentVideo(1_000_000);

        using var client = Client(mum);
        var whole = await client.GetAsync($"/api/attachments/{attachmentId}");
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal("bytes", whole.Headers.AcceptRanges.Single());
        Assert.Equal(video, await whole.Content.ReadAsByteArrayAsync());

        foreach (var (from, to) in new (long, long)[] { (0, 0), (100_000, 199_999), (65_530, 65_545), (999_000, 999_999), (5, 700_000) })
        {
            var response = await Ranged(client, attachmentId, new RangeItemHeaderValue(from, to));
            Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
            Assert.Equal($"bytes {from}-{to}/{video.Length}", response.Content.Headers.ContentRange!.ToString());
            Assert.Equal(video.AsSpan((int)from, (int)(to - from + 1)).ToArray(), await response.Content.ReadAsByteArrayAsync());
        }

        var tail = await Ranged(client, attachmentId, new RangeItemHeaderValue(null, 500));
        Assert.Equal(HttpStatusCode.PartialContent, tail.StatusCode);
        Assert.Equal(video.AsSpan(video.Length - 500).ToArray(), await tail.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task a_range_past_the_end_answers_416_with_the_length()
    {
        var (mum, attachmentId, video, _) = await SentVideo(70_000);
        using var client = Client(mum);

        var response = await Ranged(client, attachmentId, new RangeItemHeaderValue(video.Length, null));
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
        Assert.Equal($"bytes */{video.Length}", response.Content.Headers.ContentRange!.ToString());
    }

    [Fact]
    public async Task media_stored_in_the_first_whole_blob_format_is_still_served()
    {
        var (mum, attachmentId, video, schoolId) = await SentVideo(100_000);
        var stored = await Store.QuerySession(schoolId.ToString()).LoadAsync<MediaObject>(attachmentId);
        var key = await Host.Services.GetRequiredService<PersonalDataVault>()
            .UnsealBytesAsync(stored!.Subjects, "media.content-key", MediaStore.Record(stored.Id), Convert.FromBase64String(stored.ContentKey), CancellationToken.None);

        // Format 1: 1 | nonce | tag | ciphertext, one AES-GCM value over the whole file.
        var legacy = new byte[1 + 12 + 16 + video.Length];
        legacy[0] = 1;
        RandomNumberGenerator.Fill(legacy.AsSpan(1, 12));
        using (var aes = new AesGcm(key!, 16))
        {
            aes.Encrypt(legacy.AsSpan(1, 12), video, legacy.AsSpan(29), legacy.AsSpan(13, 16), Encoding.UTF8.GetBytes($"classcomms/media/v1|{attachmentId:N}"));
        }

        await Host.Services.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(MediaStore.Container).GetBlobClient(stored.BlobName)
            .UploadAsync(BinaryData.FromBytes(legacy), overwrite: true);
        var (status, bytes) = await Api.Download(mum, attachmentId);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(video, bytes);
    }

    private async Task<(Session Mum, Guid AttachmentId, byte[] Video, Guid SchoolId)> SentVideo(int length)
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], "The play")).Threads[0];
        var video = MediaFiles.Video(length);
        var uploaded = await Api.UploadOk(world.Teacher, thread.ConversationId, video, "play.mp4", "video/mp4");
        await Api.Reply(world.Teacher, thread.ConversationId, "Here it is", [uploaded.AttachmentId]);
        return (mum, uploaded.AttachmentId, video, world.SchoolId);
    }

    private static Task<HttpResponseMessage> Ranged(HttpClient client, Guid attachmentId, RangeItemHeaderValue range)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/attachments/{attachmentId}");
        request.Headers.Range = new RangeHeaderValue { Ranges = { range } };
        return client.SendAsync(request);
    }

    private HttpClient Client(Session who)
    {
        var client = Host.GetTestServer().CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", who.Token);
        return client;
    }
}
