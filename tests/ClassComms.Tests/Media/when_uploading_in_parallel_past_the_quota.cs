using System.Net;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ClassComms.Media;
using ClassComms.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ClassComms.Tests.Media;

public sealed class when_uploading_in_parallel_past_the_quota(AppFixture app, Xunit.Abstractions.ITestOutputHelper output) : IntegrationTest(app)
{
    private const int Uploads = 6;
    private const int Size = 3_300_000; // six of them are 19.8 MB; the test quota is 12 MiB

    [Fact]
    public async Task the_total_stored_never_exceeds_the_quota_and_the_refused_ones_get_413_and_leave_no_blob()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var thread = (await Api.StartConversation(world.Teacher, world.Students[0], "Videos")).Threads[0];

        var answers = await Task.WhenAll(Enumerable.Range(0, Uploads).Select(i => Task.Run(() =>
            Api.Upload(mum, thread.ConversationId, MediaFiles.Video(Size), $"clip-{i}.mp4", "video/mp4"))));

        var created = answers.Where(a => a.Status == HttpStatusCode.Created).ToList();
        var refused = answers.Where(a => a.Status != HttpStatusCode.Created).ToList();
        Assert.All(refused, a => Assert.True(a.Status == HttpStatusCode.RequestEntityTooLarge, $"expected 413, got {(int)a.Status}: {a.Body}"));
        var statuses = string.Join(", ", answers.Select(a => (int)a.Status));
        output.WriteLine($"{Uploads} parallel uploads of {Size} bytes, quota {AppFixture.MediaQuotaBytes}: {statuses}");
        Assert.True(created.Count > 0 && refused.Count > 0, $"expected some 201 and some 413, got {statuses}");
        Assert.True(created.Count * (long)Size <= AppFixture.MediaQuotaBytes, $"{created.Count} uploads of {Size} bytes were stored");

        var stored = await Store.QuerySession(world.SchoolId.ToString()).Query<MediaObject>().ToListAsync();
        Assert.Equal(created.Select(a => a.Uploaded!.AttachmentId).Order(), stored.Select(m => m.Id).Order());
        Assert.True(stored.Sum(m => m.Size) <= AppFixture.MediaQuotaBytes);

        var blobs = new List<string>();
        await foreach (var blob in Host.Services.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(MediaStore.Container)
                           .GetBlobsAsync(new GetBlobsOptions { Prefix = $"{world.SchoolId:N}/", States = BlobStates.Uncommitted }))
        {
            blobs.Add(blob.Name);
        }

        Assert.Equal(stored.Select(m => m.BlobName).Order(), blobs.Order());
        Assert.Equal(0, await ReservationsOf(mum.UserId));
    }

    public static async Task<long> ReservationsOf(Guid userId)
    {
        await using var connection = new NpgsqlConnection(AppFixture.Required("ConnectionStrings__Marten"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select count(*) from {UploadReservations.Table} where user_id = @user", connection);
        command.Parameters.AddWithValue("user", userId);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
