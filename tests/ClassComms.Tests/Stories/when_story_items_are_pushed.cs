using ClassComms.Notifications;
using ClassComms.Stories;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Stories;

public sealed class when_story_items_are_pushed(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task a_new_post_reaches_the_class_guardians_teacher_leaders_and_dpo_readable_at_its_cursor_and_no_one_else()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var dad = await Api.GuardianOf(world.Teacher, world.Students[1], "Dan Dad");
        var otherClass = await Api.CreateClass(world.Teacher, "Grade 4");
        var outsider = await Api.GuardianOf(world.Teacher, (await Api.Enrol(world.Teacher, otherClass.ClassId, "Olga Other"))[0], "Otto Other");
        await using var mumApp = await HubClient.Connect(App, mum);
        await using var dadApp = await HubClient.Connect(App, dad);
        await using var teacherApp = await HubClient.Connect(App, world.Teacher);
        await using var outsiderApp = await HubClient.Connect(App, outsider);
        // Leaders and the DPO read every Class Story, so they are told of its posts too.
        await using var leaderApp = await HubClient.Connect(App, world.Leader);
        await using var dpoApp = await HubClient.Connect(App, world.Dpo);

        var post = await Api.PostStory(world.Teacher, world.ClassId, "Sunflowers are up");

        foreach (var (client, who) in new[] { (mumApp, mum), (dadApp, dad), (teacherApp, world.Teacher), (leaderApp, world.Leader), (dpoApp, world.Dpo) })
        {
            var notice = await client.WaitFor<StoryNotice>(nameof(INotificationClient.StoryPostPublished), n => n.PostId == post.PostId);
            Assert.Equal(world.ClassId, notice.StoryId);
            // The push means readable: the story after the cursor before it starts with the post.
            var caughtUp = await Api.Story(who, world.ClassId, $"?after={notice.Cursor - 1}");
            Assert.Equal(post.PostId, caughtUp.Posts[0].PostId);
        }

        // The outsider hears of their own class's post, never of this one.
        var theirs = await Api.PostStory(world.Teacher, otherClass.ClassId, "Grade 4 news");
        await outsiderApp.WaitFor<StoryNotice>(nameof(INotificationClient.StoryPostPublished), n => n.PostId == theirs.PostId);
        Assert.DoesNotContain(outsiderApp.All<StoryNotice>(nameof(INotificationClient.StoryPostPublished)), n => n.PostId == post.PostId);
        Assert.DoesNotContain(mumApp.All<StoryNotice>(nameof(INotificationClient.StoryPostPublished)), n => n.PostId == theirs.PostId);
    }

    [Fact]
    public async Task a_comment_is_pushed_when_it_is_shown_and_one_awaiting_approval_only_once_approved()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var dad = await Api.GuardianOf(world.Teacher, world.Students[1], "Dan Dad");
        await using var dadApp = await HubClient.Connect(App, dad);
        await using var teacherApp = await HubClient.Connect(App, world.Teacher);
        await using var mumApp = await HubClient.Connect(App, mum);
        var open = await Api.PostStory(world.Teacher, world.ClassId, "Open");
        var moderated = await Api.Post<StoryPostAccepted>($"/api/stories/{world.ClassId}/posts", new PostToStory("Moderated", null, true), world.Teacher);

        var held = await Api.Post<StoryCommentAccepted>($"/api/stories/posts/{moderated.PostId}/comments", new CommentOnStoryPost("Held"), mum);
        // The teacher, who approves, is told a comment waits (ids only), at the post's change cursor; other families are not.
        var waiting = await teacherApp.WaitFor<StoryChangeNotice>(nameof(INotificationClient.StoryItemChanged),
            n => n.CommentId == held.CommentId && n.Change == StoryChanges.CommentPending);
        Assert.Equal(moderated.PostId, waiting.PostId);
        Assert.NotNull(waiting.Cursor);
        Assert.DoesNotContain(dadApp.All<StoryChangeNotice>(nameof(INotificationClient.StoryItemChanged)), n => n.CommentId == held.CommentId);
        var shown = await Api.Post<StoryCommentAccepted>($"/api/stories/posts/{open.PostId}/comments", new CommentOnStoryPost("Shown"), mum);
        var notice = await dadApp.WaitFor<StoryCommentNotice>(nameof(INotificationClient.StoryCommentPublished), n => n.CommentId == shown.CommentId);
        var page = await Api.Get<StoryCommentPage>($"/api/stories/posts/{open.PostId}/comments?after={notice.Cursor - 1}", dad);
        Assert.Equal(shown.CommentId, page.Comments[0].CommentId);
        Assert.DoesNotContain(dadApp.All<StoryCommentNotice>(nameof(INotificationClient.StoryCommentPublished)), n => n.CommentId == held.CommentId);

        await Api.Expect(System.Net.HttpStatusCode.NoContent, HttpMethod.Post,
            $"/api/stories/posts/{moderated.PostId}/comments/{held.CommentId}/approval", world.Teacher);
        notice = await dadApp.WaitFor<StoryCommentNotice>(nameof(INotificationClient.StoryCommentPublished), n => n.CommentId == held.CommentId);
        // The comment's author is told it was approved by the same push.
        await mumApp.WaitFor<StoryCommentNotice>(nameof(INotificationClient.StoryCommentPublished), n => n.CommentId == held.CommentId);
        page = await Api.Get<StoryCommentPage>($"/api/stories/posts/{moderated.PostId}/comments?after={notice.Cursor - 1}", dad);
        Assert.Equal(held.CommentId, page.Comments[0].CommentId);
    }
}
