using System.Net;
using System.Net.Http.Headers;
using Azure.Storage.Blobs;
using ClassComms.Media;
using ClassComms.Tests.Support;
using Marten;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ClassComms.Tests.Media;

public sealed class when_stored_media_was_tampered_with(AppFixture app) : IntegrationTest(app)
{
    private const int Segment = 64 * 1024;
    private const int HeaderSize = 1 + 4 + 8;
    private const int TagSize = 16;
    private const string FileName = "tampered-report-card";

    [Fact]
    public async Task a_tampered_first_segment_answers_a_500_integrity_problem_with_no_content_and_no_file_name()
    {
        var (teacher, attachmentId, _) = await SentVideo(300_000);
        await Tamper(attachmentId, segment: 0);

        using var client = Client(teacher);
        foreach (var range in new RangeItemHeaderValue?[] { null, new(10, 20_000) })
        {
            var request = new HttpRequestMessage(HttpMethod.Get, $"/api/attachments/{attachmentId}");
            if (range is not null) request.Headers.Range = new RangeHeaderValue { Ranges = { range } };
            var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();

            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains(AuthenticatedMediaResult.CorruptTitle, body);
            Assert.Null(response.Content.Headers.ContentDisposition);
            Assert.Null(response.Content.Headers.ContentRange);
            Assert.DoesNotContain(FileName, body);
        }

        var logs = App.Logs.Text();
        Assert.Contains($"Attachment {attachmentId} failed authentication", logs);
        Assert.DoesNotContain(FileName, logs);
    }

    [Fact]
    public async Task a_range_starting_in_a_tampered_later_segment_also_answers_the_integrity_problem()
    {
        var (teacher, attachmentId, _) = await SentVideo(300_000);
        await Tamper(attachmentId, segment: 2);

        using var client = Client(teacher);
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/attachments/{attachmentId}");
        request.Headers.Range = new RangeHeaderValue { Ranges = { new RangeItemHeaderValue(2 * Segment + 5, 2 * Segment + 100) } };
        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains(AuthenticatedMediaResult.CorruptTitle, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task a_tampered_later_segment_aborts_the_download_after_only_the_authenticated_segments_before_it()
    {
        var (teacher, attachmentId, video) = await SentVideo(1_000_000);
        const int tampered = 5;
        await Tamper(attachmentId, tampered);

        using var client = Client(teacher);
        var response = await client.GetAsync($"/api/attachments/{attachmentId}", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(video.Length, response.Content.Headers.ContentLength);

        var received = new MemoryStream();
        var failed = false;
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync();
            await body.CopyToAsync(received);
        }
        catch (Exception e) when (e is IOException or HttpRequestException or OperationCanceledException)
        {
            failed = true;
        }

        var bytes = received.ToArray();
        Assert.True(failed || bytes.Length < video.Length, "the download must not complete");
        Assert.True(bytes.Length <= tampered * Segment, $"{bytes.Length} bytes were released, past the authenticated segments");
        Assert.Equal(video.AsSpan(0, bytes.Length).ToArray(), bytes);
        Assert.Contains($"Attachment {attachmentId} failed authentication", App.Logs.Text());
    }

    private async Task Tamper(Guid attachmentId, int segment)
    {
        var stored = await Store.QuerySession(SchoolOf).LoadAsync<MediaObject>(attachmentId);
        var blob = Host.Services.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(MediaStore.Container).GetBlobClient(stored!.BlobName);
        var raw = (await blob.DownloadContentAsync()).Value.Content.ToArray();
        raw[HeaderSize + segment * (Segment + TagSize) + 100] ^= 0x01;
        await blob.UploadAsync(BinaryData.FromBytes(raw), overwrite: true);
    }

    private string SchoolOf { get; set; } = "";

    private async Task<(Session Teacher, Guid AttachmentId, byte[] Video)> SentVideo(int length)
    {
        var world = await Api.CreateWorld();
        SchoolOf = world.SchoolId.ToString();
        await Api.GuardianOf(world.Teacher, world.Students[0]);
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], "The play")).Threads[0];
        var video = MediaFiles.Video(length);
        var uploaded = await Api.UploadOk(world.Teacher, thread.ConversationId, video, FileName + ".mp4", "video/mp4");
        await Api.Reply(world.Teacher, thread.ConversationId, "Here it is", [uploaded.AttachmentId]);
        App.Logs.Clear();
        return (world.Teacher, uploaded.AttachmentId, video);
    }

    private HttpClient Client(Session who)
    {
        var client = Host.GetTestServer().CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", who.Token);
        return client;
    }
}
