using System.Net;
using ClassComms.Consents;
using ClassComms.Notifications;
using ClassComms.Stories;
using ClassComms.Tests.StudentAccounts;
using ClassComms.Tests.Support;
using static ClassComms.Tests.Stories.Stories;

namespace ClassComms.Tests.Stories;

public sealed class when_a_student_reads_the_story(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task a_student_reads_their_class_story_with_its_consented_media_and_the_school_story_and_gets_404_for_another_class()
    {
        var world = await Api.CreateWorld();
        await GiveConsent(Store, world.SchoolId, world.Students[0], ConsentPurposes.ClassStoryMedia, world.Leader.UserId);
        await GiveConsent(Store, world.SchoolId, world.Students[1], ConsentPurposes.ClassStoryMedia, world.Leader.UserId);
        await GiveConsent(Store, world.SchoolId, world.Students[1], ConsentPurposes.SchoolStoryMedia, world.Leader.UserId);
        var ofAda = await Host.Photo(world.Teacher, world.ClassId);
        var ofBob = await Host.Photo(world.Teacher, world.ClassId);
        var post = await Api.PostStory(world.Teacher, world.ClassId, "Painting day", Tagging(ofAda, world.Students[0]), Tagging(ofBob, world.Students[1]));
        var schoolPhoto = await Host.Photo(world.Leader, world.SchoolId);
        var assembly = await Api.PostStory(world.Leader, world.SchoolId, "Assembly", Tagging(schoolPhoto, world.Students[1]));
        var otherClass = await Api.CreateClass(world.Teacher, "Grade 4");
        await Api.Enrol(world.Teacher, otherClass.ClassId, "Olga Other");
        await Api.PostStory(world.Teacher, otherClass.ClassId, "Grade 4 news");
        // Bob's consent is withdrawn: his photo leaves the post for every reader, the student account included.
        await WithdrawConsent(Store, world.SchoolId, world.Students[1], ConsentPurposes.ClassStoryMedia, world.Leader.UserId);
        var ada = await Api.StudentAccount(world, 0);

        var read = Assert.Single((await Api.Story(ada, world.ClassId)).Posts);
        Assert.Equal((post.PostId, "Painting day", 1), (read.PostId, read.Text, read.RemovedMedia));
        var media = Assert.Single(read.Media);
        Assert.Equal(ofAda, media.AttachmentId);
        Assert.Equal([world.Students[0]], media.TaggedStudentIds);
        var (status, bytes) = await Host.Download(ada, ofAda);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotEmpty(bytes);
        Assert.Equal(HttpStatusCode.NotFound, (await Host.Download(ada, ofBob)).Status);

        // The School Story: the post and its consented photo; the tag of another student is not shown to her.
        var school = Assert.Single((await Api.Story(ada, world.SchoolId)).Posts);
        Assert.Equal((assembly.PostId, "Assembly"), (school.PostId, school.Text));
        Assert.Empty(Assert.Single(school.Media).TaggedStudentIds);
        Assert.Equal(HttpStatusCode.OK, (await Host.Download(ada, schoolPhoto)).Status);

        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/stories/{otherClass.ClassId}/posts", null, ada);
    }

    [Fact]
    public async Task a_student_cannot_post_upload_comment_or_like_and_nothing_is_committed()
    {
        var world = await Api.CreateWorld();
        var post = await Api.PostStory(world.Teacher, world.ClassId, "Science fair");
        var ada = await Api.StudentAccount(world, 0);

        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/stories/{world.ClassId}/posts", new PostToStory("Mine", null, false), ada);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/stories/{world.SchoolId}/posts", new PostToStory("Mine", null, false), ada);
        Assert.Equal(HttpStatusCode.NotFound, (await Host.UploadStoryMedia(ada, world.ClassId, Files.JpegWithGps())).Status);
        var comment = await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, $"/api/stories/posts/{post.PostId}/comments",
            new CommentOnStoryPost("Hello from Ada"), ada);
        Assert.DoesNotContain("Hello from Ada", comment.Detail ?? "");
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Put, $"/api/stories/posts/{post.PostId}/like", null, ada);

        // Nothing committed: one post, no like, no comment shown or pending, even to staff.
        var staffView = Assert.Single((await Api.Story(world.Teacher, world.ClassId)).Posts);
        Assert.Equal((post.PostId, 0, 0), (staffView.PostId, staffView.Likes, staffView.Comments));
        var comments = await Api.Get<StoryCommentPage>($"/api/stories/posts/{post.PostId}/comments?after=0", world.Teacher);
        Assert.Empty(comments.Comments);
        Assert.Empty(comments.Pending);
        // She still reads the post and its (empty) comments.
        Assert.False(Assert.Single((await Api.Story(ada, world.ClassId)).Posts).LikedByMe);
        Assert.Empty((await Api.Get<StoryCommentPage>($"/api/stories/posts/{post.PostId}/comments?after=0", ada)).Comments);
    }

    [Fact]
    public async Task a_new_post_is_pushed_to_the_students_of_its_class_and_not_to_a_student_of_another_class()
    {
        var world = await Api.CreateWorld();
        var otherClass = await Api.CreateClass(world.Teacher, "Grade 4");
        var olgaId = (await Api.Enrol(world.Teacher, otherClass.ClassId, "Olga Other"))[0];
        var ada = await Api.StudentAccount(world, 0);
        var olga = await Api.StudentLogin((await Api.IssueClassCodes(world.Teacher, otherClass.ClassId, [olgaId])).Single().Code);
        await using var adaApp = await HubClient.Connect(App, ada);
        await using var olgaApp = await HubClient.Connect(App, olga);

        var post = await Api.PostStory(world.Teacher, world.ClassId, "Sunflowers are up");

        var notice = await adaApp.WaitFor<StoryNotice>(nameof(INotificationClient.StoryPostPublished), n => n.PostId == post.PostId);
        Assert.Equal(world.ClassId, notice.StoryId);
        Assert.Equal(post.PostId, (await Api.Story(ada, world.ClassId, $"?after={notice.Cursor - 1}")).Posts[0].PostId);

        // Olga hears of her own class's post and of the School Story's, never of Ada's class's.
        var theirs = await Api.PostStory(world.Teacher, otherClass.ClassId, "Grade 4 news");
        var assembly = await Api.PostStory(world.Leader, world.SchoolId, "Assembly");
        await olgaApp.WaitFor<StoryNotice>(nameof(INotificationClient.StoryPostPublished), n => n.PostId == theirs.PostId);
        await olgaApp.WaitFor<StoryNotice>(nameof(INotificationClient.StoryPostPublished), n => n.PostId == assembly.PostId);
        await adaApp.WaitFor<StoryNotice>(nameof(INotificationClient.StoryPostPublished), n => n.PostId == assembly.PostId);
        Assert.DoesNotContain(olgaApp.All<StoryNotice>(nameof(INotificationClient.StoryPostPublished)), n => n.PostId == post.PostId);
        Assert.DoesNotContain(adaApp.All<StoryNotice>(nameof(INotificationClient.StoryPostPublished)), n => n.PostId == theirs.PostId);
    }
}
