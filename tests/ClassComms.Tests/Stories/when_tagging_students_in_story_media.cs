using System.Net;
using System.Text.Json;
using ClassComms.Consents;
using ClassComms.Media;
using ClassComms.Platform;
using ClassComms.Stories;
using ClassComms.Tests.Support;
using Marten;
using static ClassComms.Tests.Stories.Stories;

namespace ClassComms.Tests.Stories;

public sealed class when_tagging_students_in_story_media(AppFixture app) : IntegrationTest(app)
{
    [Fact]
    public async Task a_student_tagged_without_consent_is_409_naming_the_item_and_the_student_and_nothing_is_committed()
    {
        var world = await Api.CreateWorld();
        await GiveConsent(Store, world.SchoolId, world.Students[0], ConsentPurposes.ClassStoryMedia, world.Leader.UserId);
        var fine = await Host.Photo(world.Teacher, world.ClassId);
        var refused = await Host.Photo(world.Teacher, world.ClassId);
        var url = $"/api/stories/{world.ClassId}/posts";
        var request = new PostToStory("Painting day", [Tagging(fine, world.Students[0]), Tagging(refused, world.Students[0], world.Students[1])], false);

        var (status, body, _) = await Api.Send(HttpMethod.Post, url, request, world.Teacher);

        Assert.Equal(HttpStatusCode.Conflict, status);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Contains(refused.ToString(), problem.GetProperty("detail").GetString());
        Assert.Contains(world.Students[1].ToString(), problem.GetProperty("detail").GetString());
        var missing = Assert.Single(problem.GetProperty("missingConsents").EnumerateArray());
        Assert.Equal(1, missing.GetProperty("mediaIndex").GetInt32());
        Assert.Equal(refused, missing.GetProperty("attachmentId").GetGuid());
        Assert.Equal(world.Students[1], missing.GetProperty("studentId").GetGuid());
        Assert.Equal(ConsentPurposes.ClassStoryMedia, missing.GetProperty("purpose").GetString());
        Assert.DoesNotContain("Painting", body);

        // Nothing committed: no post, both uploads still unclaimed and sealed for the teacher alone.
        Assert.Empty((await Api.Story(world.Teacher, world.ClassId)).Posts);
        await using (var session = Store.QuerySession(Ids.Tenant(world.SchoolId)))
        {
            foreach (var media in await session.LoadManyAsync<MediaObject>(fine, refused))
            {
                Assert.Null(media.StoryPostId);
                Assert.Equal([world.Teacher.UserId], media.Subjects);
            }
        }

        // Marked as excluded (blurred) in that item, the student needs no consent.
        var posted = await Api.PostStory(world.Teacher, world.ClassId, "Painting day", Tagging(fine, world.Students[0]),
            new StoryMediaRequest(refused, [world.Students[0]], [world.Students[1]]));
        var post = Assert.Single((await Api.Story(world.Teacher, world.ClassId)).Posts);
        Assert.Equal(posted.PostId, post.PostId);
        Assert.Equal([world.Students[1]], post.Media[1].ExcludedStudentIds);
    }

    [Fact]
    public async Task the_school_story_needs_the_school_story_consent_not_the_class_one()
    {
        var world = await Api.CreateWorld();
        await GiveConsent(Store, world.SchoolId, world.Students[0], ConsentPurposes.ClassStoryMedia, world.Leader.UserId);
        var photo = await Host.Photo(world.Leader, world.SchoolId);
        var url = $"/api/stories/{world.SchoolId}/posts";
        var problem = await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, url, new PostToStory(null, [Tagging(photo, world.Students[0])], false), world.Leader);
        Assert.Contains(ConsentPurposes.SchoolStoryMedia, problem.Detail);

        await GiveConsent(Store, world.SchoolId, world.Students[0], ConsentPurposes.SchoolStoryMedia, world.Leader.UserId);
        await Api.PostStory(world.Leader, world.SchoolId, null, Tagging(photo, world.Students[0]));
    }

    [Fact]
    public async Task tagging_a_student_of_another_class_or_school_is_400_and_media_of_another_story_or_person_too()
    {
        var world = await Api.CreateWorld();
        var otherClass = await Api.CreateClass(world.Teacher, "Grade 4");
        var otherKid = (await Api.Enrol(world.Teacher, otherClass.ClassId, "Olga Other"))[0];
        await GiveConsent(Store, world.SchoolId, otherKid, ConsentPurposes.ClassStoryMedia, world.Leader.UserId);
        var photo = await Host.Photo(world.Teacher, world.ClassId);
        var url = $"/api/stories/{world.ClassId}/posts";

        var problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, url, new PostToStory(null, [Tagging(photo, otherKid)], false), world.Teacher);
        Assert.Contains("media[0].taggedStudentIds", problem.Errors!.Keys);
        var otherSchool = await Api.CreateWorld();
        problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, url,
            new PostToStory(null, [new StoryMediaRequest(photo, [], [otherSchool.Students[0]])], false), world.Teacher);
        Assert.Contains("media[0].excludedStudentIds", problem.Errors!.Keys);

        // An upload to another story, or by someone else, cannot be posted here.
        var elsewhere = await Host.Photo(world.Teacher, otherClass.ClassId);
        problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, url, new PostToStory(null, [Tagging(elsewhere)], false), world.Teacher);
        Assert.Contains("media[0].attachmentId", problem.Errors!.Keys);
        problem = await Api.Problem(HttpStatusCode.BadRequest, HttpMethod.Post, url, new PostToStory(null, [Tagging(photo)], false), world.Leader);
        Assert.Contains("media[0].attachmentId", problem.Errors!.Keys);

        // Posted once, an upload cannot be posted again.
        await Api.PostStory(world.Teacher, world.ClassId, null, Tagging(photo));
        await Api.Problem(HttpStatusCode.Conflict, HttpMethod.Post, url, new PostToStory(null, [Tagging(photo)], false), world.Teacher);
        Assert.Single((await Api.Story(world.Teacher, world.ClassId)).Posts);
    }

    [Fact]
    public async Task a_consent_withdrawn_while_a_post_tags_the_student_never_leaves_the_photo_showing()
    {
        var world = await Api.CreateWorld();
        var mum = await Api.GuardianOf(world.Teacher, world.Students[0]);
        var student = world.Students[0];
        const int rounds = 8;
        var refused = 0;
        for (var round = 0; round < rounds; round++)
        {
            await GiveConsent(Store, world.SchoolId, student, ConsentPurposes.ClassStoryMedia, world.Leader.UserId);
            var photo = await Host.Photo(world.Teacher, world.ClassId);
            using var start = new Barrier(2);
            var post = Task.Run(async () =>
            {
                start.SignalAndWait();
                return await Api.Send(HttpMethod.Post, $"/api/stories/{world.ClassId}/posts", new PostToStory($"Round {round}", [Tagging(photo, student)], false),
                    world.Teacher);
            });
            var withdraw = Task.Run(async () =>
            {
                start.SignalAndWait();
                await WithdrawConsent(Store, world.SchoolId, student, ConsentPurposes.ClassStoryMedia, mum.UserId);
            });
            await Task.WhenAll(post, withdraw);
            var (status, body, _) = await post;
            Assert.True(status is HttpStatusCode.Created or HttpStatusCode.Conflict, $"round {round}: {(int)status} {body}");
            if (status == HttpStatusCode.Conflict) refused++;

            // Whichever committed first, the photo of the student without consent shows nowhere.
            foreach (var reader in new[] { mum, world.Teacher })
            {
                var posts = (await Api.Story(reader, world.ClassId, "?limit=50")).Posts;
                Assert.DoesNotContain(posts.SelectMany(p => p.Media), m => m.AttachmentId == photo);
            }

            Assert.Equal(HttpStatusCode.NotFound, (await Host.Download(mum, photo)).Status);
        }

        // Both orders happened at least once is likely but not guaranteed; the invariant above is what must hold.
        Assert.InRange(refused, 0, rounds);
    }
}
