using System.Text.Json;
using Azure.Storage.Blobs;
using ClassComms.Consents;
using ClassComms.Notifications;
using ClassComms.Stories;
using ClassComms.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static ClassComms.Tests.Stories.Stories;

namespace ClassComms.Tests.Stories;

/// <summary>Story text, comments and media file names are personal data: sealed, never plaintext in a table, a blob, a log or a push.</summary>
public sealed class when_stories_hold_personal_data(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task a_post_a_comment_and_a_photo_name_naming_a_child_are_in_no_table_blob_log_or_push()
    {
        var tag = Guid.NewGuid().ToString("N")[..8]; // unique per run: Azurite's files and the shared log outlive one test
        var postText = $"Wenceslas Marrowby won the spelling bee {tag}";
        var commentText = $"So proud of Wenceslas Marrowby {tag}";
        var fileName = $"wenceslas-marrowby-{tag}.jpg";
        var world = await Api.CreateWorld();
        var student = world.Students[0];
        var mum = await Api.GuardianOf(world.Teacher, student);
        await GiveConsent(Store, world.SchoolId, student, ConsentPurposes.ClassStoryMedia, world.Leader.UserId);
        await using var mumApp = await HubClient.Connect(App, mum);
        await using var teacherApp = await HubClient.Connect(App, world.Teacher);
        var photo = await Host.Photo(world.Teacher, world.ClassId, fileName);
        var post = await Api.PostStory(world.Teacher, world.ClassId, postText, Tagging(photo, student));
        await mumApp.WaitFor<StoryNotice>(nameof(INotificationClient.StoryPostPublished), n => n.PostId == post.PostId);
        var comment = await Api.Post<StoryCommentAccepted>($"/api/stories/posts/{post.PostId}/comments", new CommentOnStoryPost(commentText), mum);
        await teacherApp.WaitFor<StoryCommentNotice>(nameof(INotificationClient.StoryCommentPublished), n => n.CommentId == comment.CommentId);

        // Readers get them back (so the searches below look for real values).
        Assert.Equal(postText, Assert.Single((await Api.Story(mum, world.ClassId)).Posts).Text);
        Assert.Equal(commentText, Assert.Single((await Api.Get<StoryCommentPage>($"/api/stories/posts/{post.PostId}/comments", world.Teacher)).Comments).Text);

        string[] typed = [postText, commentText, fileName, "Wenceslas Marrowby", "wenceslas-marrowby"];
        var dump = await DatabaseDump.TakeAsync();
        Assert.Contains(post.PostId.ToString(), dump);
        foreach (var value in typed)
        {
            Assert.False(dump.Contains(value, StringComparison.OrdinalIgnoreCase), $"The database dump contains story text ({value.Length} chars).");
        }

        await StorageScan.AssertAbsentAsync(Host.Services.GetRequiredService<BlobServiceClient>(), typed);
        var pushed = string.Join('\n', mumApp.Received.Concat(teacherApp.Received).Select(r => JsonSerializer.Serialize(r.Notice, r.Notice.GetType())));
        Assert.Contains(post.PostId.ToString(), pushed);
        foreach (var value in typed) Assert.DoesNotContain(value, pushed, StringComparison.OrdinalIgnoreCase);
        App.AssertLogsContainNone(typed, "story text");
    }
}
