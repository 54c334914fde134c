using System.Net;
using ClassComms.Consents;
using ClassComms.Media;
using ClassComms.Platform;
using ClassComms.Stories;
using ClassComms.Tests.Privacy;
using ClassComms.Tests.Support;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using static ClassComms.Tests.Stories.Stories;

namespace ClassComms.Tests.Stories;

public sealed class when_erasing_people_in_stories(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task erasing_a_student_removes_the_media_they_appear_in_and_its_blob_while_the_rest_of_the_post_stays()
    {
        var world = await Api.CreateWorld();
        var (ada, ben) = (world.Students[0], world.Students[1]);
        var bensMum = await Api.GuardianOf(world.Teacher, ben);
        foreach (var s in new[] { ada, ben }) await GiveConsent(Store, world.SchoolId, s, ConsentPurposes.ClassStoryMedia, world.Leader.UserId);
        var together = await Host.Photo(world.Teacher, world.ClassId);
        var benAlone = await Host.Photo(world.Teacher, world.ClassId);
        var blurred = await Host.Photo(world.Teacher, world.ClassId);
        var post = await Api.PostStory(world.Teacher, world.ClassId, "Swimming gala", Tagging(together, ada, ben), Tagging(benAlone, ben),
            new StoryMediaRequest(blurred, [ben], [ada]));

        await Api.EraseStudent(world.Dpo, ada);

        foreach (var reader in new[] { bensMum, world.Teacher })
        {
            var read = Assert.Single((await Api.Story(reader, world.ClassId)).Posts);
            Assert.Equal("Swimming gala", read.Text);
            Assert.Equal([benAlone, blurred], read.Media.Select(m => m.AttachmentId));
            Assert.DoesNotContain(ada, read.Media.SelectMany(m => m.ExcludedStudentIds));
            Assert.Equal(HttpStatusCode.NotFound, (await Host.Download(reader, together)).Status);
            Assert.Equal(HttpStatusCode.OK, (await Host.Download(reader, benAlone)).Status);
        }

        await using var session = Store.QuerySession(Ids.Tenant(world.SchoolId));
        var media = await session.LoadAsync<MediaObject>(together);
        Assert.NotNull(media!.DeletedAt);
        Assert.False((await Host.Services.GetRequiredService<MediaStore>().Media.GetBlobClient(media.BlobName).ExistsAsync()).Value);
        Assert.Equal(post.PostId, media.StoryPostId);
    }

    [Fact]
    public async Task erasing_a_guardian_removes_their_comments_and_likes_from_every_view()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var dad = await Api.GuardianOf(world.Teacher, world.Students[1], "Dan Dad");
        var post = await Api.PostStory(world.Teacher, world.ClassId, "Harvest festival");
        var moderated = await Api.Post<StoryPostAccepted>($"/api/stories/{world.ClassId}/posts", new PostToStory("Moderated", null, true), world.Teacher);
        await Api.Post<StoryCommentAccepted>($"/api/stories/posts/{post.PostId}/comments", new CommentOnStoryPost("Mum's words"), mum);
        await Api.Post<StoryCommentAccepted>($"/api/stories/posts/{moderated.PostId}/comments", new CommentOnStoryPost("Mum's pending words"), mum);
        await Api.Post<StoryCommentAccepted>($"/api/stories/posts/{post.PostId}/comments", new CommentOnStoryPost("Dad's words"), dad);
        await Api.Send(HttpMethod.Put, $"/api/stories/posts/{post.PostId}/like", null, mum);
        await Api.Send(HttpMethod.Put, $"/api/stories/posts/{post.PostId}/like", null, dad);

        await Api.EraseGuardian(world.Dpo, mum.UserId);

        foreach (var reader in new[] { dad, world.Teacher })
        {
            var comments = await Api.Get<StoryCommentPage>($"/api/stories/posts/{post.PostId}/comments", reader);
            Assert.Equal(["Dad's words"], comments.Comments.Select(c => c.Text));
            Assert.Empty((await Api.Get<StoryCommentPage>($"/api/stories/posts/{moderated.PostId}/comments", reader)).Pending);
            var read = (await Api.Story(reader, world.ClassId)).Posts.Single(p => p.PostId == post.PostId);
            Assert.Equal((1, 1), (read.Likes, read.Comments));
        }
    }
}
