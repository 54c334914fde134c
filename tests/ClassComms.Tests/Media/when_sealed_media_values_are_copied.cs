using System.Net;
using ClassComms.Media;
using ClassComms.PersonalData;
using ClassComms.Tests.Support;
using Marten;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ClassComms.Tests.Media;

/// <summary>A media object's sealed file name and content key are bound to its id, as a message body is bound to its message.</summary>
public sealed class when_sealed_media_values_are_copied(AppFixture app) : IntegrationTest(app)
{
    private const string KeyField = "media.content-key";

    [Fact]
    public async Task a_file_name_copied_to_another_attachment_does_not_open_there()
    {
        var (world, secret, other) = await TwoAttachments();
        await using (var session = Store.LightweightSession(world.SchoolId.ToString()))
        {
            var target = (await session.LoadAsync<MediaObject>(other.AttachmentId))!;
            target.FileName = (await session.LoadAsync<MediaObject>(secret.AttachmentId))!.FileName;
            session.Store(target);
            await session.SaveChangesAsync();
        }

        var response = await Get(world.Teacher, other.AttachmentId);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName);
    }

    [Fact]
    public async Task a_content_key_copied_to_another_attachment_does_not_open_there()
    {
        var (world, secret, other) = await TwoAttachments();
        var vault = Host.Services.GetRequiredService<PersonalDataVault>();
        await using (var session = Store.LightweightSession(world.SchoolId.ToString()))
        {
            var source = (await session.LoadAsync<MediaObject>(secret.AttachmentId))!;
            var target = (await session.LoadAsync<MediaObject>(other.AttachmentId))!;
            var wrapped = Convert.FromBase64String(source.ContentKey);
            Assert.NotNull(await vault.UnsealBytesAsync(source.Subjects, KeyField, MediaStore.Record(source.Id), wrapped));
            Assert.Null(await vault.UnsealBytesAsync(target.Subjects, KeyField, MediaStore.Record(target.Id), wrapped));

            target.ContentKey = source.ContentKey;
            target.BlobName = source.BlobName;
            session.Store(target);
            await session.SaveChangesAsync();
        }

        var response = await Get(world.Teacher, other.AttachmentId);
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains(AuthenticatedMediaResult.CorruptTitle, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task a_file_name_and_content_key_sealed_before_the_binding_still_open()
    {
        var (world, secret, _) = await TwoAttachments();
        var vault = Host.Services.GetRequiredService<PersonalDataVault>();
        await using (var session = Store.LightweightSession(world.SchoolId.ToString()))
        {
            var media = (await session.LoadAsync<MediaObject>(secret.AttachmentId))!;
            var key = await vault.UnsealBytesAsync(media.Subjects, KeyField, MediaStore.Record(media.Id), Convert.FromBase64String(media.ContentKey));
            // How they were sealed before the binding: no record.
            media.ContentKey = Convert.ToBase64String(await vault.SealBytesAsync(world.SchoolId.ToString(), media.Subjects, KeyField, key!));
            media.FileName = await vault.SealForAllAsync(world.SchoolId.ToString(), media.Subjects, "media.file-name", "old-report.pdf");
            session.Store(media);
            await session.SaveChangesAsync();
        }

        var response = await Get(world.Teacher, secret.AttachmentId);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("old-report.pdf", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName);
        Assert.Equal(MediaFiles.Pdf("the secret one"), await response.Content.ReadAsByteArrayAsync());
    }

    private async Task<(World World, AttachmentUploaded Secret, AttachmentUploaded Other)> TwoAttachments()
    {
        var world = await Api.CreateWorld();
        await Api.GuardianOf(world.Teacher, world.Students[0]);
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], "Reports")).Threads[0];
        var secret = await Api.UploadOk(world.Teacher, thread.ConversationId, MediaFiles.Pdf("the secret one"), "secret-report.pdf", "application/pdf");
        var other = await Api.UploadOk(world.Teacher, thread.ConversationId, MediaFiles.Pdf("another one"), "other.pdf", "application/pdf");
        return (world, secret, other);
    }

    private async Task<HttpResponseMessage> Get(Session who, Guid attachmentId)
    {
        using var client = Host.GetTestServer().CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", who.Token);
        var response = await client.GetAsync($"/api/attachments/{attachmentId}");
        await response.Content.LoadIntoBufferAsync();
        return response;
    }
}
