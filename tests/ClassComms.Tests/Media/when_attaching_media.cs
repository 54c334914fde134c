using System.Net;
using System.Net.Http.Json;
using Azure.Storage.Blobs;
using ClassComms.Conversations;
using ClassComms.Media;
using ClassComms.Tests.Support;
using ImageMagick;
using Microsoft.AspNetCore.TestHost;
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
    public async Task a_direct_upload_goes_through_a_single_blob_sas_and_the_same_checks()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], "Send me the video")).Threads[0];

        var grant = await Api.Post<UploadGranted>($"/api/conversations/{thread.ConversationId}/uploads", new RequestUpload("school-play.jpg"), mum);
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.Created, (await Put(http, grant, Files.JpegWithGps())).StatusCode);
        // The SAS is for that one blob only.
        var sibling = new UriBuilder(grant.UploadUrl) { Path = grant.UploadUrl.AbsolutePath.Replace(grant.UploadId.ToString("N"), Guid.NewGuid().ToString("N")) }.Uri;
        Assert.Equal(HttpStatusCode.Forbidden, (await Put(http, grant with { UploadUrl = sibling }, Files.Pdf())).StatusCode);

        var done = await Api.Post<AttachmentUploaded>($"/api/uploads/{grant.UploadId}/complete", null, mum);
        Assert.Equal("image/jpeg", done.ContentType);
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, $"/api/uploads/{grant.UploadId}/complete", null, mum);
        var sent = await Api.Reply(mum, thread.ConversationId, null, [done.AttachmentId]);
        var (_, bytes) = await Download(world.Teacher, done.AttachmentId);
        Assert.Null(new MagickImage(bytes).GetExifProfile());
        Assert.Equal(sent.MessageId, (await Api.Thread(world.Teacher, thread.ConversationId)).Messages[0].MessageId);
    }

    [Fact]
    public async Task a_disguised_direct_upload_is_refused_and_an_expired_sas_cannot_be_reused()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], "Hello")).Threads[0];
        using var http = new HttpClient();

        var disguised = await Api.Post<UploadGranted>($"/api/conversations/{thread.ConversationId}/uploads", new RequestUpload("photo.jpg"), mum);
        await Put(http, disguised, Files.Executable());
        Assert.Contains("file", (await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, $"/api/uploads/{disguised.UploadId}/complete", null, mum)).Errors!.Keys);
        Assert.False(await Blobs.GetBlobContainerClient(MediaStore.QuarantineContainer).GetBlobClient(disguised.UploadId.ToString("N")).ExistsAsync());

        var grant = await Api.Post<UploadGranted>($"/api/conversations/{thread.ConversationId}/uploads", new RequestUpload("late.pdf"), mum);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/uploads/{grant.UploadId}/complete", null, world.Teacher);
        await Task.Delay(AppFixture.UploadSasLifetime + TimeSpan.FromSeconds(2));
        Assert.Equal(HttpStatusCode.Forbidden, (await Put(http, grant, Files.Pdf())).StatusCode);
        await Api.Problem(HttpStatusCode.Gone, HttpMethod.Post, $"/api/uploads/{grant.UploadId}/complete", null, mum);
    }

    private BlobServiceClient Blobs => Host.Services.GetRequiredService<BlobServiceClient>();

    private static Task<HttpResponseMessage> Put(HttpClient http, UploadGranted grant, byte[] content)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, grant.UploadUrl) { Content = new ByteArrayContent(content) };
        foreach (var (name, value) in grant.Headers) request.Headers.Add(name, value);
        return http.SendAsync(request);
    }

    private async Task UploadProblem(Session who, Guid conversationId, byte[] content, string name, string type)
    {
        var (status, body, _) = await Api.Upload(who, conversationId, content, name, type);
        Assert.True(status == HttpStatusCode.BadRequest, $"expected 400, got {(int)status}: {body}");
        Assert.Contains("\"file\"", body);
    }

    private Task<(HttpStatusCode Status, byte[] Bytes)> Download(Session who, Guid attachmentId) => Api.Download(who, attachmentId);
}
