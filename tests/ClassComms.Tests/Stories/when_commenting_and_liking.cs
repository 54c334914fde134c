using System.Net;
using ClassComms.Stories;
using ClassComms.Tests.Support;

namespace ClassComms.Tests.Stories;

public sealed class when_commenting_and_liking(AppFixture app) : IntegrationTest(app)
{
    private Task<StoryCommentAccepted> Comment(Session who, Guid postId, string text) =>
        Api.Post<StoryCommentAccepted>($"/api/stories/posts/{postId}/comments", new CommentOnStoryPost(text), who);

    private Task<StoryCommentPage> Comments(Session who, Guid postId, long after = 0) =>
        Api.Get<StoryCommentPage>($"/api/stories/posts/{postId}/comments?after={after}", who);

    [Fact]
    public async Task guardians_and_staff_comment_and_like_and_every_reader_sees_them()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var dad = await Api.GuardianOf(world.Teacher, world.Students[1], "Dan Dad");
        var post = await Api.PostStory(world.Teacher, world.ClassId, "Science fair");

        await Comment(mum, post.PostId, "Lovely work!");
        await Comment(world.Teacher, post.PostId, "Thank you");
        await Api.Send(HttpMethod.Put, $"/api/stories/posts/{post.PostId}/like", null, mum);
        await Api.Send(HttpMethod.Put, $"/api/stories/posts/{post.PostId}/like", null, mum);
        await Api.Send(HttpMethod.Put, $"/api/stories/posts/{post.PostId}/like", null, dad);

        var page = await Comments(dad, post.PostId);
        Assert.Equal(["Lovely work!", "Thank you"], page.Comments.Select(c => c.Text));
        Assert.Equal("Gail Guardian", page.Comments[0].AuthorName);
        var read = Assert.Single((await Api.Story(dad, world.ClassId)).Posts);
        Assert.Equal((2, true, 2), (read.Likes, read.LikedByMe, read.Comments));

        await Api.Delete($"/api/stories/posts/{post.PostId}/like", mum);
        read = Assert.Single((await Api.Story(mum, world.ClassId)).Posts);
        Assert.Equal((1, false), (read.Likes, read.LikedByMe));
        Assert.Empty((await Comments(dad, post.PostId, page.Cursor)).Comments);

        var outsider = await Api.GuardianOf(world.Teacher, (await Api.Enrol(world.Teacher, (await Api.CreateClass(world.Teacher, "Other")).ClassId, "Olga"))[0]);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/stories/posts/{post.PostId}/comments", new CommentOnStoryPost("Hi"), outsider);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/stories/posts/{post.PostId}/comments", null, outsider);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Put, $"/api/stories/posts/{post.PostId}/like", null, outsider);
        var empty = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, $"/api/stories/posts/{post.PostId}/comments", new CommentOnStoryPost(" "), mum);
        Assert.Contains("text", empty.Errors!.Keys);
    }

    [Fact]
    public async Task when_the_teacher_requires_approval_a_guardians_comment_waits_for_staff_and_only_its_author_sees_it_meanwhile()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var dad = await Api.GuardianOf(world.Teacher, world.Students[1], "Dan Dad");
        var post = await Api.Post<StoryPostAccepted>($"/api/stories/{world.ClassId}/posts", new PostToStory("Concert tonight", null, true), world.Teacher);

        var comment = await Comment(mum, post.PostId, "We'll be there");
        Assert.True(comment.Pending);
        Assert.Empty((await Comments(dad, post.PostId)).Comments);
        Assert.Empty((await Comments(dad, post.PostId)).Pending);
        Assert.Single((await Comments(mum, post.PostId)).Pending);
        Assert.Single((await Comments(world.Teacher, post.PostId)).Pending);
        Assert.False((await Comment(world.Teacher, post.PostId, "Staff need no approval")).Pending);

        var approval = $"/api/stories/posts/{post.PostId}/comments/{comment.CommentId}/approval";
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, approval, null, dad);
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, approval, null, world.Dpo);
        var otherTeacher = await Api.CreateStaff(world.Leader, "teacher", "Tina Teacher");
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, approval, null, otherTeacher);
        await Api.Expect(HttpStatusCode.NoContent, HttpMethod.Post, approval, world.Teacher);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, approval, null, world.Teacher);

        var shown = await Comments(dad, post.PostId);
        Assert.Equal(["Staff need no approval", "We'll be there"], shown.Comments.Select(c => c.Text));
        Assert.Empty(shown.Pending);
    }

    [Fact]
    public async Task a_guardian_reports_a_comment_and_a_leader_hides_it_from_guardians()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var dad = await Api.GuardianOf(world.Teacher, world.Students[1], "Dan Dad");
        var post = await Api.PostStory(world.Teacher, world.ClassId, "Bake sale");
        var rude = await Comment(dad, post.PostId, "Something rude");

        var comment = $"/api/stories/posts/{post.PostId}/comments/{rude.CommentId}";
        await Api.Expect(HttpStatusCode.NoContent, HttpMethod.Post, $"{comment}/report", mum);
        await Api.Expect(HttpStatusCode.NoContent, HttpMethod.Post, $"{comment}/report", mum);
        var staffView = Assert.Single((await Comments(world.Teacher, post.PostId)).Comments);
        Assert.Equal(1, staffView.Reports);
        Assert.Null(Assert.Single((await Comments(mum, post.PostId)).Comments).Reports);

        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, $"{comment}/hide", null, world.Teacher);
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, $"{comment}/hide", null, mum);
        await Api.Expect(HttpStatusCode.NoContent, HttpMethod.Post, $"{comment}/hide", world.Leader);

        Assert.Empty((await Comments(mum, post.PostId)).Comments);
        Assert.Empty((await Comments(dad, post.PostId)).Comments);
        Assert.True(Assert.Single((await Comments(world.Leader, post.PostId)).Comments).Hidden);
        Assert.Equal(0, Assert.Single((await Api.Story(mum, world.ClassId)).Posts).Comments);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"{comment}/report", null, mum);
    }
}
