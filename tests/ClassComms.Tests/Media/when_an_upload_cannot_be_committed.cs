using System.Net;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ClassComms.Media;
using ClassComms.Platform;
using ClassComms.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ClassComms.Tests.Media;

public sealed class when_an_upload_cannot_be_committed(AppFixture app) : IntegrationTest(app)
{
    private const int Size = 7 * 1024 * 1024; // two of them are past the 12 MiB test quota

    [Fact]
    public async Task a_failed_commit_deletes_the_blob_it_wrote_and_frees_the_quota_it_held()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], "Videos")).Threads[0];

        // PostgreSQL refuses the commit (a deferred constraint trigger, checked at COMMIT) of any media mum uploads.
        await Sql($"""
            create or replace function classcomms.test_fail_commit() returns trigger language plpgsql as $$
            begin raise exception 'forced commit failure'; end $$;
            create constraint trigger test_fail_media_commit after insert or update on classcomms.mt_doc_mediaobject
            deferrable initially deferred for each row when ((new.data ->> 'UploadedBy') = '{mum.UserId}')
            execute function classcomms.test_fail_commit();
            """);
        try
        {
            var (status, body, _) = await Api.Upload(mum, thread.ConversationId, MediaFiles.Video(Size), "first.mp4", "video/mp4");
            Assert.True(status == HttpStatusCode.InternalServerError, $"expected 500, got {(int)status}: {body}");
        }
        finally
        {
            await Sql("drop trigger if exists test_fail_media_commit on classcomms.mt_doc_mediaobject; drop function if exists classcomms.test_fail_commit();");
        }

        Assert.Empty(await Store.QuerySession(world.SchoolId.ToString()).Query<MediaObject>().ToListAsync());
        Assert.Empty(await BlobsOf(world.SchoolId));
        Assert.Equal(0, await when_uploading_in_parallel_past_the_quota.ReservationsOf(mum.UserId));
        // The failed upload holds no quota: a second one as large fits.
        await Api.UploadOk(mum, thread.ConversationId, MediaFiles.Video(Size), "second.mp4", "video/mp4");
    }

    [Fact]
    public async Task a_blob_whose_upload_never_committed_is_swept_once_its_reservation_expires()
    {
        var world = await Api.CreateWorld();
        await Api.GuardianOf(world.Teacher, world.Students[0]);
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], "Sheets")).Threads[0];
        var kept = await Api.UploadOk(world.Teacher, thread.ConversationId, MediaFiles.Pdf("kept"), "kept.pdf", "application/pdf");
        var media = Host.Services.GetRequiredService<MediaStore>();

        // What an upload request has done when the process dies between writing the blob and committing the document.
        var caller = new Caller(world.Teacher.UserId, world.SchoolId, Role.Teacher);
        var (abandoned, problem) = await media.IngestAsync(caller, thread.ConversationId, [caller.UserId], "lost.pdf",
            new MemoryStream(MediaFiles.Pdf("lost")), "file", CancellationToken.None);
        Assert.Null(problem);
        Assert.Equal(2, (await BlobsOf(world.SchoolId)).Count);

        var now = Host.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        await media.SweepAbandonedUploadsAsync(now, CancellationToken.None); // not expired yet: an upload may still be running
        Assert.Equal(2, (await BlobsOf(world.SchoolId)).Count);

        await media.SweepAbandonedUploadsAsync(now + media.Options.UploadReservationLifetime + TimeSpan.FromMinutes(1), CancellationToken.None);
        var stored = await Store.QuerySession(world.SchoolId.ToString()).LoadAsync<MediaObject>(kept.AttachmentId);
        Assert.Equal([stored!.BlobName], await BlobsOf(world.SchoolId));
        Assert.NotEqual(stored.BlobName, abandoned!.BlobName);
        Assert.Equal(0, await when_uploading_in_parallel_past_the_quota.ReservationsOf(world.Teacher.UserId));
        Assert.Equal(HttpStatusCode.OK, (await Api.Download(world.Teacher, kept.AttachmentId)).Status);
    }

    private async Task<List<string>> BlobsOf(Guid schoolId)
    {
        var blobs = new List<string>();
        await foreach (var blob in Host.Services.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(MediaStore.Container)
                           .GetBlobsAsync(new GetBlobsOptions { Prefix = $"{schoolId:N}/", States = BlobStates.Uncommitted }))
        {
            blobs.Add(blob.Name);
        }

        return blobs;
    }

    private static async Task Sql(string sql)
    {
        await using var connection = new NpgsqlConnection(AppFixture.Required("ConnectionStrings__Marten"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
