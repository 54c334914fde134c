using System.Net;
using ClassComms.Consents;
using ClassComms.Notifications;
using ClassComms.Stories;
using ClassComms.Tests.Support;
using static ClassComms.Tests.Stories.Stories;

namespace ClassComms.Tests.Stories;

public sealed class when_catching_up_a_story_by_cursor(AppFixture app) : IntegrationTest(app)
{
    private const string Changed = nameof(INotificationClient.StoryItemChanged);

    [Fact]
    public async Task a_client_reconnecting_from_its_cursor_gets_the_edited_post_the_deletion_marker_and_the_post_whose_comment_was_hidden()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var kept = await Api.PostStory(world.Teacher, world.ClassId, "Kept as it is");
        var toEdit = await Api.PostStory(world.Teacher, world.ClassId, "Draft");
        var toDelete = await Api.PostStory(world.Teacher, world.ClassId, "Mistake");
        var commented = await Api.PostStory(world.Teacher, world.ClassId, "Comment here");
        var comment = await Api.Post<StoryCommentAccepted>($"/api/stories/posts/{commented.PostId}/comments", new CommentOnStoryPost("Rude words"), mum);

        // Mum's app is online, reads the story, keeps the cursor of the last push, then goes offline.
        long cursor;
        await using (var online = await HubClient.Connect(App, mum))
        {
            var last = await Api.PostStory(world.Teacher, world.ClassId, "Last one she saw");
            cursor = (await online.WaitFor<StoryNotice>(nameof(INotificationClient.StoryPostPublished), n => n.PostId == last.PostId)).Cursor;
            Assert.Equal(cursor, (await Api.Story(mum, world.ClassId, "?after=0&limit=50")).Cursor);
        }

        // While she is offline: an edit, a deletion, a hidden comment.
        Assert.Equal(HttpStatusCode.NoContent,
            (await Api.Send(HttpMethod.Put, $"/api/stories/posts/{toEdit.PostId}", new EditStoryPost("Final words", null), world.Teacher)).Status);
        await Api.Delete($"/api/stories/posts/{toDelete.PostId}", world.Teacher);
        await Api.Expect(HttpStatusCode.NoContent, HttpMethod.Post, $"/api/stories/posts/{commented.PostId}/comments/{comment.CommentId}/hide", world.Leader);

        // Reconnecting, she catches up from her cursor: each change once, in order, and a new cursor after them.
        await using var back = await HubClient.Connect(App, mum);
        var page = await Api.Story(mum, world.ClassId, $"?after={cursor}");
        Assert.Equal([toEdit.PostId, commented.PostId], page.Posts.Select(p => p.PostId));
        Assert.Equal("Final words", page.Posts[0].Text);
        Assert.Equal(0, page.Posts[1].Comments); // the hidden comment no longer counts; her re-read of the comments drops it
        Assert.Empty((await Api.Get<StoryCommentPage>($"/api/stories/posts/{commented.PostId}/comments", mum)).Comments);
        Assert.Equal(toDelete.PostId, Assert.Single(page.Deleted!).PostId);
        Assert.DoesNotContain(page.Posts, p => p.PostId == kept.PostId || p.PostId == toDelete.PostId);
        Assert.True(page.Cursor > cursor);
        Assert.True(page.Posts[0].Cursor < page.Deleted![0].Cursor && page.Deleted[0].Cursor < page.Posts[1].Cursor);
        var nothingMore = await Api.Story(mum, world.ClassId, $"?after={page.Cursor}");
        Assert.Empty(nothingMore.Posts);
        Assert.Empty(nothingMore.Deleted!);
        Assert.Equal(page.Cursor, nothingMore.Cursor);

        // A page of one at a time walks the same changes.
        var walked = new List<Guid>();
        for (var at = cursor; ;)
        {
            var one = await Api.Story(mum, world.ClassId, $"?after={at}&limit=1");
            if (one.Posts.Count + one.Deleted!.Count == 0) break;
            walked.AddRange(one.Posts.Select(p => p.PostId).Concat(one.Deleted.Select(d => d.PostId)));
            at = one.Cursor;
        }

        Assert.Equal([toEdit.PostId, toDelete.PostId, commented.PostId], walked);

        // Online again: the next edit is pushed with the cursor that reads it.
        Assert.Equal(HttpStatusCode.NoContent,
            (await Api.Send(HttpMethod.Put, $"/api/stories/posts/{kept.PostId}", new EditStoryPost("Kept, then edited", null), world.Teacher)).Status);
        var pushed = await back.WaitFor<StoryChangeNotice>(Changed, n => n.PostId == kept.PostId && n.Change == StoryChanges.Edited);
        Assert.Equal(kept.PostId, Assert.Single((await Api.Story(mum, world.ClassId, $"?after={page.Cursor}")).Posts).PostId);
        Assert.Equal(kept.PostId, (await Api.Story(mum, world.ClassId, $"?after={pushed.Cursor!.Value - 1}")).Posts[0].PostId);
        // The newest-first page keeps posting order: an edit does not move a post to the top.
        Assert.Equal(kept.PostId, (await Api.Story(mum, world.ClassId)).Posts[^1].PostId);
    }

    [Fact]
    public async Task a_comment_and_an_approval_made_while_a_reader_is_offline_bring_the_post_back_after_their_cursor()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0], "Ada's Mum");
        var dad = await Api.GuardianOf(world.Teacher, world.Students[1], "Ben's Dad");
        var open = await Api.PostStory(world.Teacher, world.ClassId, "Open to comments");
        var moderated = await Api.Post<StoryPostAccepted>($"/api/stories/{world.ClassId}/posts", new PostToStory("Moderated", null, true), world.Teacher);
        var quiet = await Api.PostStory(world.Teacher, world.ClassId, "Nobody comments here");
        var cursor = (await Api.Story(mum, world.ClassId, "?after=0&limit=50")).Cursor;
        var teachersCursor = (await Api.Story(world.Teacher, world.ClassId, "?after=0&limit=50")).Cursor;

        // Mum is offline; Dad comments on the open post and (pending) on the moderated one.
        await Api.Post<StoryCommentAccepted>($"/api/stories/posts/{open.PostId}/comments", new CommentOnStoryPost("Lovely"), dad);
        var pending = await Api.Post<StoryCommentAccepted>($"/api/stories/posts/{moderated.PostId}/comments", new CommentOnStoryPost("Thanks"), dad);
        Assert.True(pending.Pending);

        // The teacher, catching up, finds the post with a comment to approve; Mum finds only the post with a comment she may read.
        var teachers = await Api.Story(world.Teacher, world.ClassId, $"?after={teachersCursor}");
        Assert.Equal([open.PostId, moderated.PostId], teachers.Posts.Select(p => p.PostId));
        var mums = await Api.Story(mum, world.ClassId, $"?after={cursor}");
        Assert.Contains(mums.Posts, p => p.PostId == open.PostId && p.Comments == 1);
        Assert.DoesNotContain(mums.Posts, p => p.PostId == quiet.PostId);

        // Approved while she is still away: the moderated post comes again after her new cursor, with its comment counted.
        await Api.Expect(HttpStatusCode.NoContent, HttpMethod.Post, $"/api/stories/posts/{moderated.PostId}/comments/{pending.CommentId}/approval", world.Teacher);
        var after = await Api.Story(mum, world.ClassId, $"?after={mums.Cursor}");
        var approved = Assert.Single(after.Posts);
        Assert.Equal((moderated.PostId, 1), (approved.PostId, approved.Comments));
        Assert.True(approved.Cursor > mums.Cursor);
        Assert.Empty((await Api.Story(mum, world.ClassId, $"?after={after.Cursor}")).Posts);
    }

    [Fact]
    public async Task withdrawing_consent_pushes_the_media_removal_to_viewers_and_catch_up_returns_the_post_without_the_photo()
    {
        var world = await Api.CreateWorld();
        var (ada, ben) = (world.Students[0], world.Students[1]);
        var adasMum = await Api.GuardianOf(world.Teacher, ada, "Ada's Mum");
        var bensMum = await Api.GuardianOf(world.Teacher, ben, "Ben's Mum");
        await GiveConsent(Store, world.SchoolId, ada, ConsentPurposes.ClassStoryMedia, world.Leader.UserId);
        var photo = await Host.Photo(world.Teacher, world.ClassId);
        var post = await Api.PostStory(world.Teacher, world.ClassId, "The farm trip", Tagging(photo, ada));
        var other = await Api.PostStory(world.Teacher, world.ClassId, "No photo");
        var cursor = (await Api.Story(bensMum, world.ClassId, "?after=0")).Cursor;
        await using var bensMumApp = await HubClient.Connect(App, bensMum);
        await using var teacherApp = await HubClient.Connect(App, world.Teacher);

        await Api.Post<ConsentChanged>($"/api/students/{ada}/consents", new ChangeConsent(ConsentPurposes.ClassStoryMedia, false, null), adasMum, HttpStatusCode.OK);

        var notice = await bensMumApp.WaitFor<StoryChangeNotice>(Changed, n => n.PostId == post.PostId && n.Change == StoryChanges.MediaRemoved);
        await teacherApp.WaitFor<StoryChangeNotice>(Changed, n => n.PostId == post.PostId && n.Change == StoryChanges.MediaRemoved);
        Assert.Null(notice.CommentId);
        var page = await Api.Story(bensMum, world.ClassId, $"?after={cursor}");
        var changed = Assert.Single(page.Posts);
        Assert.Equal((post.PostId, 0, 1, notice.Cursor), (changed.PostId, changed.Media.Count, changed.RemovedMedia, (long?)changed.Cursor));
        Assert.DoesNotContain(bensMumApp.All<StoryChangeNotice>(Changed), n => n.PostId == other.PostId);
    }
}
