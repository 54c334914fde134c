using System.Net;
using ClassComms.Consents;
using ClassComms.Stories;
using ClassComms.Tests.Support;
using static ClassComms.Tests.Stories.Stories;

namespace ClassComms.Tests.Stories;

public sealed class when_posting_to_a_story(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task a_teachers_post_with_a_consented_photo_is_read_by_the_class_guardians_and_staff_but_not_by_others()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var dad = await Api.GuardianOf(world.Teacher, world.Students[1], "Dan Dad");
        await GiveConsent(Store, world.SchoolId, world.Students[0], ConsentPurposes.ClassStoryMedia, world.Leader.UserId);
        var photo = await Host.Photo(world.Teacher, world.ClassId);

        var posted = await Api.PostStory(world.Teacher, world.ClassId, "Our trip to the farm", Tagging(photo, world.Students[0]));

        foreach (var reader in new[] { mum, dad, world.Teacher, world.Leader, world.Dpo })
        {
            var post = Assert.Single((await Api.Story(reader, world.ClassId)).Posts);
            Assert.Equal(posted.PostId, post.PostId);
            Assert.Equal("Our trip to the farm", post.Text);
            Assert.Equal(photo, Assert.Single(post.Media).AttachmentId);
            Assert.Equal(HttpStatusCode.OK, (await Host.Download(reader, photo)).Status);
        }

        // Guardians see only their own children among the tags.
        Assert.Equal([world.Students[0]], (await Api.Story(mum, world.ClassId)).Posts[0].Media[0].TaggedStudentIds);
        Assert.Empty((await Api.Story(dad, world.ClassId)).Posts[0].Media[0].TaggedStudentIds);

        var otherClass = await Api.CreateClass(world.Teacher, "Grade 4");
        var otherKid = (await Api.Enrol(world.Teacher, otherClass.ClassId, "Olga Other"))[0];
        var otherParent = await Api.GuardianOf(world.Teacher, otherKid, "Otto Other");
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/stories/{world.ClassId}/posts", null, otherParent);
        Assert.Equal(HttpStatusCode.NotFound, (await Host.Download(otherParent, photo)).Status);
        var otherSchool = await Api.CreateWorld();
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Get, $"/api/stories/{world.ClassId}/posts", null, otherSchool.Leader);
        Assert.Equal(HttpStatusCode.NotFound, (await Host.Download(otherSchool.Leader, photo)).Status);
    }

    [Fact]
    public async Task leaders_post_to_the_school_story_which_every_guardian_of_the_school_reads_and_teachers_cannot_post_to()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var posted = await Api.PostStory(world.Leader, world.SchoolId, "Sports day on Friday");

        Assert.Equal(posted.PostId, Assert.Single((await Api.Story(mum, world.SchoolId)).Posts).PostId);
        Assert.Single((await Api.Story(world.Teacher, world.SchoolId)).Posts);
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Post, $"/api/stories/{world.SchoolId}/posts", new PostToStory("Hi", null, false), world.Teacher);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/stories/{world.ClassId}/posts", new PostToStory("Hi", null, false), mum);
    }

    [Fact]
    public async Task posting_to_a_class_one_does_not_teach_is_404_and_commits_nothing()
    {
        var world = await Api.CreateWorld();
        var otherTeacher = await Api.CreateStaff(world.Leader, "teacher", "Tina Teacher");
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/stories/{world.ClassId}/posts", new PostToStory("Hi", null, false), otherTeacher);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/stories/{world.ClassId}/media", null, otherTeacher);
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Post, $"/api/stories/{Guid.NewGuid()}/posts", new PostToStory("Hi", null, false), world.Teacher);
        Assert.Empty((await Api.Story(world.Teacher, world.ClassId)).Posts);
    }

    [Fact]
    public async Task bad_input_is_400_naming_the_field()
    {
        var world = await Api.CreateWorld();
        var url = $"/api/stories/{world.ClassId}/posts";
        var empty = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, url, new PostToStory(" ", null, false), world.Teacher);
        Assert.Contains("text", empty.Errors!.Keys);
        var photo = await Host.Photo(world.Teacher, world.ClassId);
        var both = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, url,
            new PostToStory(null, [new StoryMediaRequest(photo, [world.Students[0]], [world.Students[0]])], false), world.Teacher);
        Assert.Contains("media[0].excludedStudentIds", both.Errors!.Keys);
        var notMine = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, url, new PostToStory(null, [Tagging(Guid.NewGuid())], false), world.Teacher);
        Assert.Contains("media[0].attachmentId", notMine.Errors!.Keys);
    }

    [Fact]
    public async Task authors_edit_and_delete_their_posts_and_others_cannot()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);
        await GiveConsent(Store, world.SchoolId, world.Students[0], ConsentPurposes.ClassStoryMedia, world.Leader.UserId);
        var first = await Host.Photo(world.Teacher, world.ClassId);
        var second = await Host.Photo(world.Teacher, world.ClassId);
        var posted = await Api.PostStory(world.Teacher, world.ClassId, "Draft", Tagging(first, world.Students[0]), Tagging(second));

        var edit = $"/api/stories/posts/{posted.PostId}";
        await Api.Problem(HttpStatusCode.NotFound, HttpMethod.Put, edit, new EditStoryPost("Mine now", null), (await Api.CreateWorld()).Teacher);
        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Put, edit, new EditStoryPost("Mine now", null), mum);
        Assert.Equal(HttpStatusCode.NoContent, (await Api.Send(HttpMethod.Put, edit, new EditStoryPost("Final words", [first]), world.Teacher)).Status);
        var post = Assert.Single((await Api.Story(mum, world.ClassId)).Posts);
        Assert.Equal("Final words", post.Text);
        Assert.Equal(second, Assert.Single(post.Media).AttachmentId);
        Assert.Equal(HttpStatusCode.NotFound, (await Host.Download(mum, first)).Status);

        await Api.Problem(HttpStatusCode.Forbidden, HttpMethod.Delete, edit, null, mum);
        await Api.Delete(edit, world.Teacher);
        Assert.Empty((await Api.Story(mum, world.ClassId)).Posts);
        Assert.Equal(HttpStatusCode.NotFound, (await Host.Download(mum, second)).Status);
    }

    [Fact]
    public async Task reads_page_newest_first_and_catch_up_after_a_cursor()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);
        for (var i = 1; i <= 5; i++) await Api.PostStory(world.Teacher, world.ClassId, $"Post {i}");

        var newest = await Api.Story(mum, world.ClassId, "?limit=2");
        Assert.Equal(["Post 5", "Post 4"], newest.Posts.Select(p => p.Text));
        var older = await Api.Story(mum, world.ClassId, $"?limit=2&before={newest.Cursor}");
        Assert.Equal(["Post 3", "Post 2"], older.Posts.Select(p => p.Text));
        var after = await Api.Story(mum, world.ClassId, $"?after={older.Posts[^1].Cursor}");
        Assert.Equal(["Post 3", "Post 4", "Post 5"], after.Posts.Select(p => p.Text));
        var nothing = await Api.Story(mum, world.ClassId, $"?after={after.Cursor}");
        Assert.Empty(nothing.Posts);
        Assert.Equal(after.Cursor, nothing.Cursor);
    }

    [Fact]
    public async Task a_guardian_restricted_from_a_child_no_longer_sees_media_tagging_that_child_but_still_reads_the_story_through_another()
    {
        var world = await Api.CreateWorld();
        var (ada, ben) = (world.Students[0], world.Students[1]);
        var parent = await Api.GuardianOf(world.Teacher, ada);
        await Api.Post<ClassComms.Guardians.ChildLinked>("/api/guardians/me/children",
            new ClassComms.Guardians.LinkChild((await Api.IssueCode(world.Teacher, ben)).Code), parent, HttpStatusCode.OK);
        foreach (var s in new[] { ada, ben }) await GiveConsent(Store, world.SchoolId, s, ConsentPurposes.ClassStoryMedia, world.Leader.UserId);
        var adaPhoto = await Host.Photo(world.Teacher, world.ClassId);
        var benPhoto = await Host.Photo(world.Teacher, world.ClassId);
        await Api.PostStory(world.Teacher, world.ClassId, "Class photo day", Tagging(adaPhoto, ada), Tagging(benPhoto, ben));
        Assert.Equal(2, Assert.Single((await Api.Story(parent, world.ClassId)).Posts).Media.Count);

        await Api.RestrictGuardian(world.Leader, ada, parent.UserId);
        parent = await Api.SignInAgain(parent);

        var post = Assert.Single((await Api.Story(parent, world.ClassId)).Posts);
        Assert.Equal("Class photo day", post.Text);
        Assert.Equal(benPhoto, Assert.Single(post.Media).AttachmentId);
        Assert.Equal(HttpStatusCode.NotFound, (await Host.Download(parent, adaPhoto)).Status);
        Assert.Equal(2, Assert.Single((await Api.Story(world.Teacher, world.ClassId)).Posts).Media.Count);
    }
}
