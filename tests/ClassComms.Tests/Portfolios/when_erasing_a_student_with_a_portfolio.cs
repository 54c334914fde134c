using System.Net;
using System.Text.Json;
using Azure.Storage.Blobs;
using ClassComms.Media;
using ClassComms.Notifications;
using ClassComms.Portfolios;
using ClassComms.Tests.Privacy;
using ClassComms.Tests.StudentAccounts;
using ClassComms.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace ClassComms.Tests.Portfolios;

/// <summary>Portfolio text, comments and file names are personal data: sealed at rest, and shredded with the student.</summary>
public sealed class when_erasing_a_student_with_a_portfolio(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task journal_text_comments_and_file_names_are_in_no_table_blob_log_or_push_and_erasure_shreds_items_media_and_account()
    {
        var tag = Guid.NewGuid().ToString("N")[..8]; // unique per run: Azurite's files and the shared log outlive one test
        var journal = $"Zorabel's diary: my dad lost his job {tag}";
        var comment = $"Zorabel, talk to me after class {tag}";
        var reply = $"Okay Ms Teacher {tag}";
        var fileName = $"zorabel-windhaven-{tag}.png";
        var caption = $"Zorabel at the river {tag}";
        string[] typed = [journal, comment, reply, fileName, caption];

        var world = await Api.CreateWorld();
        var ada = world.Students[0];
        var guardian = await Api.GuardianOf(world.Teacher, ada);
        await App.Consent(world.SchoolId, ada, guardian.UserId);
        var codes = await Api.IssueClassCodes(world.Teacher, world.ClassId, [ada]);
        var student = await Api.StudentLogin(codes.Single().Code);
        await using var guardianApp = await HubClient.Connect(App, guardian);

        var photo = await App.UploadToPortfolio(world.Teacher, ada, Files.Png(30, 20), fileName, "image/png");
        var photoItem = await Api.AddItem(world.Teacher, ada, PortfolioKinds.Photo, photo.AttachmentId, caption);
        var journalItem = await Api.AddJournal(student, ada, journal);
        await Api.Approve(world.Teacher, ada, journalItem.ItemId);
        await Api.Comment(world.Teacher, ada, journalItem.ItemId, comment);
        var replied = await Api.Comment(student, ada, journalItem.ItemId, reply);
        await guardianApp.WaitFor<PortfolioNotice>(nameof(INotificationClient.PortfolioChanged), n => n.CommentId == replied.CommentId);

        // Readers who may see them get them back (so the searches below look for real values).
        var read = await Api.ReadPortfolio(guardian, ada);
        Assert.Equal(caption, read.Items.Single(i => i.ItemId == photoItem.ItemId).Text);
        Assert.Equal(fileName, read.Items.Single(i => i.ItemId == photoItem.ItemId).Attachment!.FileName);
        var journalRead = read.Items.Single(i => i.ItemId == journalItem.ItemId);
        Assert.Equal(new List<string?> { journal, comment, reply }, [journalRead.Text, .. journalRead.Comments.Select(c => c.Text)]);

        var dump = await DatabaseDump.TakeAsync();
        Assert.Contains(journalItem.ItemId.ToString(), dump);
        foreach (var value in typed) Assert.False(dump.Contains(value, StringComparison.OrdinalIgnoreCase), $"The database dump contains portfolio text ({value.Length} chars).");
        await StorageScan.AssertAbsentAsync(Host.Services.GetRequiredService<BlobServiceClient>(), typed);
        var pushed = string.Join('\n', guardianApp.Received.Select(r => JsonSerializer.Serialize(r.Notice, r.Notice.GetType())));
        Assert.Contains(journalItem.ItemId.ToString(), pushed);
        foreach (var value in typed) Assert.DoesNotContain(value, pushed);
        App.AssertLogsContainNone(typed, "portfolio text");

        await Api.EraseStudent(world.Dpo, ada);

        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, PortfolioScenarios.Portfolio(ada), null, world.Teacher);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Api.Send(HttpMethod.Get, PortfolioScenarios.Portfolio(ada), null, student)).Status);
        await using var query = Store.QuerySession(world.SchoolId.ToString("D"));
        Assert.Empty(await query.Query<PortfolioItem>().Where(i => i.StudentId == ada).ToListAsync());
        var media = (await query.LoadAsync<MediaObject>(photo.AttachmentId))!;
        Assert.NotNull(media.DeletedAt);
        Assert.False(await Host.Services.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(MediaStore.Container)
            .GetBlobClient(media.BlobName).ExistsAsync());
        Assert.NotEqual(HttpStatusCode.OK, (await Api.Download(world.Teacher, photo.AttachmentId)).Status);
        // The events are still there, sealed under a destroyed key: nothing of the item's text can be opened again.
        var dumpAfter = await DatabaseDump.TakeAsync();
        foreach (var value in typed) Assert.DoesNotContain(value, dumpAfter, StringComparison.OrdinalIgnoreCase);
    }
}
