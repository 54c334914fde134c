using System.Net;
using ClassComms.Notifications;
using ClassComms.Stories;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Stories;

public sealed class when_story_changes_are_pushed(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task an_edit_a_hidden_comment_and_a_deletion_reach_the_class_guardian_readable_at_their_cursor_and_not_an_outsider()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var otherClass = await Api.CreateClass(world.Teacher, "Grade 4");
        var outsider = await Api.GuardianOf(world.Teacher, (await Api.Enrol(world.Teacher, otherClass.ClassId, "Olga Other"))[0], "Otto Other");
        await using var mumApp = await HubClient.Connect(App, mum);
        await using var outsiderApp = await HubClient.Connect(App, outsider);
        var post = await Api.PostStory(world.Teacher, world.ClassId, "Draft");
        var path = $"/api/stories/posts/{post.PostId}";

        Assert.Equal(HttpStatusCode.NoContent, (await Api.Send(HttpMethod.Put, path, new EditStoryPost("Final words", null), world.Teacher)).Status);
        var edited = await mumApp.WaitFor<StoryChangeNotice>(nameof(INotificationClient.StoryItemChanged),
            n => n.PostId == post.PostId && n.Change == StoryChanges.Edited);
        Assert.Equal(world.ClassId, edited.StoryId);
        // Readable at its cursor: the story after the cursor before it starts with the post as edited.
        var caughtUp = await Api.Story(mum, world.ClassId, $"?after={edited.Cursor!.Value - 1}");
        Assert.Equal(post.PostId, caughtUp.Posts[0].PostId);
        Assert.Equal("Final words", caughtUp.Posts[0].Text);

        var comment = await Api.Post<StoryCommentAccepted>($"{path}/comments", new CommentOnStoryPost("Lovely"), mum);
        await Api.Expect(HttpStatusCode.NoContent, HttpMethod.Post, $"{path}/comments/{comment.CommentId}/hide", world.Leader);
        var hidden = await mumApp.WaitFor<StoryChangeNotice>(nameof(INotificationClient.StoryItemChanged),
            n => n.CommentId == comment.CommentId && n.Change == StoryChanges.CommentHidden);
        Assert.Equal(post.PostId, hidden.PostId);
        Assert.Empty((await Api.Get<StoryCommentPage>($"{path}/comments", mum)).Comments);

        await Api.Delete(path, world.Teacher);
        var deleted = await mumApp.WaitFor<StoryChangeNotice>(nameof(INotificationClient.StoryItemChanged),
            n => n.PostId == post.PostId && n.Change == StoryChanges.Deleted);
        Assert.DoesNotContain((await Api.Story(mum, world.ClassId, "?after=0")).Posts, p => p.PostId == post.PostId);
        // The deletion has its cursor: the story after the one before it starts with the deletion's marker.
        Assert.Equal(post.PostId, Assert.Single((await Api.Story(mum, world.ClassId, $"?after={deleted.Cursor!.Value - 1}")).Deleted!).PostId);

        // The outsider hears of their own class's post (so pushes reach them), never of this post's changes.
        var theirs = await Api.PostStory(world.Teacher, otherClass.ClassId, "Grade 4 news");
        await outsiderApp.WaitFor<StoryNotice>(nameof(INotificationClient.StoryPostPublished), n => n.PostId == theirs.PostId);
        Assert.Empty(outsiderApp.All<StoryChangeNotice>(nameof(INotificationClient.StoryItemChanged)));
    }
}
