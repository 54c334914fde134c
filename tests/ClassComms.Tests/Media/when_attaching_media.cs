using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ClassComms.Conversations;
using ClassComms.Media;
using ClassComms.Tests.Support;
using ImageMagick;
using Microsoft.AspNetCore.TestHost;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace ClassComms.Tests.Media;

public sealed class when_attaching_media(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task a_photo_is_stored_encrypted_without_gps_and_read_back_clean_by_participants_only()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var otherParent = await Api.GuardianOf(world.Teacher, world.Students[1]);
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], "Photos from the trip")).Threads[0];

        var photo = Files.JpegWithGps();
        Assert.NotNull(new MagickImage(photo).GetExifProfile()?.GetValue(ExifTag.GPSLatitude));
        var uploaded = await Api.UploadOk(world.Teacher, thread.ConversationId, photo, "ada-at-the-farm.jpg", "image/jpeg");
        Assert.Equal("image/jpeg", uploaded.ContentType);
        Assert.Equal(64, uploaded.Width);
        var sent = await Api.Reply(world.Teacher, thread.ConversationId, "Look!", [uploaded.AttachmentId]);

        // At rest: ciphertext in a private container, no JPEG marker, no EXIF.
        var stored = await Store.QuerySession(world.SchoolId.ToString()).LoadAsync<MediaObject>(uploaded.AttachmentId);
        var raw = (await Blobs.GetBlobContainerClient(MediaStore.Container).GetBlobClient(stored!.BlobName).DownloadContentAsync()).Value.Content.ToArray();
        Assert.False(raw.AsSpan().StartsWith((byte[])[0xFF, 0xD8, 0xFF]));
        Assert.Equal(-1, raw.AsSpan().IndexOf("Exif"u8));
        Assert.Equal(Azure.Storage.Blobs.Models.PublicAccessType.None,
            (await Blobs.GetBlobContainerClient(MediaStore.Container).GetAccessPolicyAsync()).Value.BlobPublicAccess);

        // Read back by the guardian: a valid image with no EXIF at all.
        var message = (await Api.Thread(mum, thread.ConversationId)).Messages.Single(m => m.MessageId == sent.MessageId);
        var attachment = Assert.Single(message.Attachments);
        Assert.Equal("ada-at-the-farm.jpg", attachment.FileName);
        var (status, bytes) = await Download(mum, attachment.AttachmentId);
        Assert.Equal(HttpStatusCode.OK, status);
        using var clean = new MagickImage(bytes);
        Assert.Null(clean.GetExifProfile());
        Assert.Equal(64u, clean.Width);

        Assert.Equal(HttpStatusCode.NotFound, (await Download(otherParent, attachment.AttachmentId)).Status);
        var otherSchool = await Api.CreateWorld();
        Assert.Equal(HttpStatusCode.NotFound, (await Download(otherSchool.Leader, attachment.AttachmentId)).Status);
    }

    [Fact]
    public async Task disguised_oversized_and_too_large_images_are_refused_naming_the_file()
    {
        var world = await Api.CreateWorld();
        await Api.GuardianOf(world.Teacher, world.Students[0]);
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], "Hello")).Threads[0];

        await UploadProblem(world.Teacher, thread.ConversationId, Files.Executable(), "holiday.jpg", "image/jpeg");
        var huge = new byte[AppFixture.MaxImageBytes + 10];
        Files.JpegWithGps().CopyTo(huge, 0);
        await UploadProblem(world.Teacher, thread.ConversationId, huge, "big.jpg", "image/jpeg");
        await UploadProblem(world.Teacher, thread.ConversationId, Files.Png(1100, 1000), "wide.png", "image/png");
        await UploadProblem(world.Teacher, thread.ConversationId, [], "empty.pdf", "application/pdf");

        var pdf = await Api.UploadOk(world.Teacher, thread.ConversationId, Files.Pdf(), "permission-slip.exe", "application/octet-stream");
        Assert.Equal("application/pdf", pdf.ContentType);
    }

    [Fact]
    public async Task attachments_cannot_be_sent_by_someone_else_or_into_another_thread()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);
        await Api.GuardianOf(world.Teacher, world.Students[1]);
        var mine = (await Api.StartConversation(world.Teacher, world.Students[0], "A")).Threads[0];
        var other = (await Api.StartConversation(world.Teacher, world.Students[1], "B")).Threads[0];
        var uploaded = await Api.UploadOk(world.Teacher, mine.ConversationId, Files.Pdf(), "form.pdf", "application/pdf");

        await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, $"/api/conversations/{other.ConversationId}/messages",
            new PostMessage("x", [uploaded.AttachmentId], false), world.Teacher);
        await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, $"/api/conversations/{mine.ConversationId}/messages",
            new PostMessage("x", [uploaded.AttachmentId], false), mum);
        Assert.Equal(HttpStatusCode.NotFound, (await Download(mum, uploaded.AttachmentId)).Status); // not sent yet
        await Api.Reply(world.Teacher, mine.ConversationId, "Here", [uploaded.AttachmentId]);
        Assert.Equal(HttpStatusCode.OK, (await Download(mum, uploaded.AttachmentId)).Status);
    }

    [Fact]
    public async Task nothing_an_upload_carries_rests_in_plaintext_in_any_container()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], "Trip")).Threads[0];
        var marker = $"pdf-marker-{Guid.NewGuid():N}";
        var fileName = $"ada-medical-{Guid.NewGuid():N}";
        var pdf = MediaFiles.Pdf(marker);
        var video = MediaFiles.Video(300_000);
        var owner = $"camera-owner-{Guid.NewGuid():N}";
        var photo = MediaFiles.JpegWithGps(owner);

        var sentPdf = await Api.UploadOk(mum, thread.ConversationId, pdf, $"{fileName}.pdf", "application/pdf");
        var sentVideo = await Api.UploadOk(mum, thread.ConversationId, video, $"{fileName}.mp4", "video/mp4");
        await Api.UploadOk(mum, thread.ConversationId, photo, $"{fileName}.jpg", "image/jpeg");
        await UploadProblem(mum, thread.ConversationId, MediaFiles.Video((int)AppFixture.MaxVideoBytes + 1), $"{fileName}-too-big.mp4", "video/mp4");
        await Api.Reply(mum, thread.ConversationId, "Here", [sentPdf.AttachmentId, sentVideo.AttachmentId]);
        Assert.Equal(pdf, (await Download(world.Teacher, sentPdf.AttachmentId)).Bytes);

        // Every blob of every container, and (with the local Azurite) its files on disk, deleted bytes included.
        await StorageScan.AssertAbsentAsync(Blobs, [marker, fileName, owner], MediaFiles.Sample(video));

        // The scan can fail: a plaintext canary in any container is found, through the API and on disk.
        var canary = StorageScan.Needles([$"canary-{Guid.NewGuid():N}"], []);
        var scratch = Blobs.GetBlobContainerClient($"scan-canary-{Guid.NewGuid():N}");
        await scratch.CreateAsync();
        await scratch.GetBlobClient("canary").UploadAsync(BinaryData.FromBytes(canary[0]));
        Assert.NotEmpty(await StorageScan.FindInBlobsAsync(Blobs, canary));
        if (StorageScan.CanReadAzuriteDisk) Assert.NotEmpty(StorageScan.FindOnAzuriteDisk(canary));
        await scratch.DeleteAsync();
    }

    [Fact]
    public async Task a_truncated_form_is_refused_naming_the_file_and_stores_nothing()
    {
        var world = await Api.CreateWorld();
        await Api.GuardianOf(world.Teacher, world.Students[0]);
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], "Hello")).Threads[0];
        var before = await BlobsOf(world.SchoolId);

        foreach (var content in new[] { MediaFiles.Pdf("truncated", 200_000), MediaFiles.Video(300_000), Files.JpegWithGps() })
        {
            var body = new MemoryStream();
            body.Write(Encoding.ASCII.GetBytes("--cut\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n"));
            body.Write(content); // and no closing boundary
            var request = new ByteArrayContent(body.ToArray());
            request.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=cut");
            using var client = Client(world.Teacher);
            var response = await client.PostAsync($"/api/conversations/{thread.ConversationId}/attachments", request);
            var problem = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400, got {(int)response.StatusCode}: {problem}");
            Assert.Contains("\"file\"", problem);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        Assert.Equal(before, await BlobsOf(world.SchoolId));
        Assert.Equal(0, await Store.QuerySession(world.SchoolId.ToString()).Query<MediaObject>().CountAsync());
    }

    [Fact]
    public async Task an_oversized_video_is_refused_while_it_streams_and_leaves_no_blob()
    {
        var world = await Api.CreateWorld();
        await Api.GuardianOf(world.Teacher, world.Students[0]);
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], "Hello")).Threads[0];

        await UploadProblem(world.Teacher, thread.ConversationId, MediaFiles.Video((int)AppFixture.MaxVideoBytes + 1), "play.mp4", "video/mp4");
        await UploadProblem(world.Teacher, thread.ConversationId, MediaFiles.Pdf("big", (int)AppFixture.MaxPdfBytes + 1), "form.pdf", "application/pdf");

        Assert.Empty(await BlobsOf(world.SchoolId));
        Assert.Equal(0, await Store.QuerySession(world.SchoolId.ToString()).Query<MediaObject>().CountAsync());
        var fits = await Api.UploadOk(world.Teacher, thread.ConversationId, MediaFiles.Video((int)AppFixture.MaxVideoBytes), "play.mp4", "video/mp4");
        Assert.Equal(AppFixture.MaxVideoBytes, fits.Size);
        Assert.Single(await BlobsOf(world.SchoolId));
    }

    [Fact]
    public async Task the_retired_direct_upload_path_is_gone_and_its_plaintext_quarantine_is_deleted_at_start()
    {
        var world = await Api.CreateWorld();
        await Api.GuardianOf(world.Teacher, world.Students[0]);
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], "Hello")).Threads[0];
        Assert.Equal(HttpStatusCode.NotFound, (await Api.Send(HttpMethod.Post, $"/api/conversations/{thread.ConversationId}/uploads", new { fileName = "a.jpg" }, world.Teacher)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Api.Send(HttpMethod.Post, $"/api/uploads/{Guid.NewGuid()}/complete", null, world.Teacher)).Status);

        var legacy = Blobs.GetBlobContainerClient(MediaStore.RetiredQuarantineContainer);
        await legacy.CreateIfNotExistsAsync();
        await legacy.GetBlobClient(Guid.NewGuid().ToString("N")).UploadAsync(BinaryData.FromBytes(Files.JpegWithGps()));
        await Host.Services.GetRequiredService<MediaStore>().EnsureContainersAsync(CancellationToken.None);
        Assert.False(await legacy.ExistsAsync());
    }

    private BlobServiceClient Blobs => Host.Services.GetRequiredService<BlobServiceClient>();

    /// <summary>Every blob name under the school's prefix, committed or not.</summary>
    private async Task<List<string>> BlobsOf(Guid schoolId)
    {
        var names = new List<string>();
        await foreach (var blob in Blobs.GetBlobContainerClient(MediaStore.Container)
                           .GetBlobsAsync(new GetBlobsOptions { Prefix = $"{schoolId:N}/", States = BlobStates.Uncommitted | BlobStates.Snapshots }))
        {
            names.Add(blob.Name);
        }

        return names;
    }

    private HttpClient Client(Session who)
    {
        var client = Host.GetTestServer().CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", who.Token);
        return client;
    }

    private async Task UploadProblem(Session who, Guid conversationId, byte[] content, string name, string type)
    {
        var (status, body, _) = await Api.Upload(who, conversationId, content, name, type);
        Assert.True(status == HttpStatusCode.BadRequest, $"expected 400, got {(int)status}: {body}");
        Assert.Contains("\"file\"", body);
    }

    private Task<(HttpStatusCode Status, byte[] Bytes)> Download(Session who, Guid attachmentId) => Api.Download(who, attachmentId);
}
