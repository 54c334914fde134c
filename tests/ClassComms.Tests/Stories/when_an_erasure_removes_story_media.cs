using ClassComms.Consents;
using ClassComms.Notifications;
using ClassComms.Stories;
using ClassComms.Tests.Privacy;
using ClassComms.Tests.Support;
using static ClassComms.Tests.Stories.Stories;

namespace ClassComms.Tests.Stories;

/// <summary>
/// Erasing a tagged student removes their media from past posts and, after that commit, pushes <c>mediaRemoved</c> over the real hub to the
/// post's viewers and author (as a consent withdrawal does); catching up from the cursor returns the post without the photo.
/// </summary>
public sealed class when_an_erasure_removes_story_media(AppFixture app) : IntegrationTest(app)
{
    private const string Changed = nameof(INotificationClient.StoryItemChanged);

    [Fact]
    public async Task connected_viewers_and_the_author_get_media_removed_and_catch_up_without_the_photo()
    {
        var world = await Api.CreateWorld();
        var (ada, ben) = (world.Students[0], world.Students[1]);
        var bensMum = await Api.GuardianOf(world.Teacher, ben, "Ben's Mum");
        await GiveConsent(Store, world.SchoolId, ada, ConsentPurposes.ClassStoryMedia, world.Leader.UserId);
        var photo = await Host.Photo(world.Teacher, world.ClassId);
        var post = await Api.PostStory(world.Teacher, world.ClassId, "The farm trip", Tagging(photo, ada));
        var other = await Api.PostStory(world.Teacher, world.ClassId, "No photo");
        var cursor = (await Api.Story(bensMum, world.ClassId, "?after=0")).Cursor;
        await using var bensMumApp = await HubClient.Connect(App, bensMum);
        await using var teacherApp = await HubClient.Connect(App, world.Teacher);

        await Api.EraseStudent(world.Dpo, ada);

        var notice = await bensMumApp.WaitFor<StoryChangeNotice>(Changed, n => n.PostId == post.PostId && n.Change == StoryChanges.MediaRemoved);
        await teacherApp.WaitFor<StoryChangeNotice>(Changed, n => n.PostId == post.PostId && n.Change == StoryChanges.MediaRemoved);
        var page = await Api.Story(bensMum, world.ClassId, $"?after={cursor}");
        var changed = Assert.Single(page.Posts);
        Assert.Equal((post.PostId, 0, 1, "The farm trip", notice.Cursor), (changed.PostId, changed.Media.Count, changed.RemovedMedia, changed.Text, (long?)changed.Cursor));
        Assert.DoesNotContain(bensMumApp.All<StoryChangeNotice>(Changed), n => n.PostId == other.PostId);
    }
}
